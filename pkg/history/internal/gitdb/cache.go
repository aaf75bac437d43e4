package gitdb

import "github.com/go-git/go-git/v5/plumbing"

// lru is a byte-bounded least-recently-used cache of inflated objects.
//
// A diff walk allocates a new buffer for every version of every folder it
// reads (2.5 GB for the history of the 10,000-file benchmark corpus), so evicted buffers
// are reused. An evicted buffer may still be in use by its reader, so it
// only becomes reusable at a point where the reader holds no object:
// recycle, which the walk calls between commits.
type lru struct {
	max, size  int
	m          map[uint64]*lruNode
	head, tail *lruNode // head is the most recent
	evicted    [][]byte // evicted since the last recycle
	free       [][]byte // reusable
}

// maxFree bounds the reusable buffers kept.
const maxFree = 64

// recycle makes the buffers evicted so far reusable. Only call it when no
// object read from the cache is still in use.
func (c *lru) recycle() {
	for _, b := range c.evicted {
		if len(c.free) == maxFree {
			// Keep the most recent: they fit what the walk reads next.
			copy(c.free, c.free[1:])
			c.free[maxFree-1] = nil
			c.free = c.free[:maxFree-1]
		}
		c.free = append(c.free, b)
	}
	clear(c.evicted)
	c.evicted = c.evicted[:0]
}

// alloc returns a buffer of length n, reusing the smallest free one that is
// big enough. Small objects are cheaper to allocate than to look up.
func (c *lru) alloc(n int) []byte {
	best := -1
	if n >= 4096 {
		for i, b := range c.free {
			if cap(b) >= n && (best < 0 || cap(b) < cap(c.free[best])) {
				best = i
			}
		}
	}
	if best < 0 {
		return make([]byte, n)
	}
	b := c.free[best]
	last := len(c.free) - 1
	copy(c.free[best:], c.free[best+1:])
	c.free[last] = nil
	c.free = c.free[:last]
	return b[:n]
}

type lruNode struct {
	key        uint64
	typ        plumbing.ObjectType
	data       []byte
	prev, next *lruNode
}

func (c *lru) get(k uint64) *lruNode {
	n := c.m[k]
	if n != nil && n != c.head {
		c.unlink(n)
		c.pushFront(n)
	}
	return n
}

func (c *lru) put(k uint64, typ plumbing.ObjectType, data []byte) {
	if c.max <= 0 || len(data) > c.max/4 {
		return
	}
	if n := c.m[k]; n != nil {
		return
	}
	n := &lruNode{key: k, typ: typ, data: data}
	c.m[k] = n
	c.pushFront(n)
	// Count capacity: a reused buffer may be larger than its object.
	c.size += cap(data)
	for c.size > c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.m, old.key)
		c.size -= cap(old.data)
		if cap(old.data) >= 4096 && len(c.evicted) < maxFree {
			c.evicted = append(c.evicted, old.data)
		}
	}
}

func (c *lru) pushFront(n *lruNode) {
	n.prev, n.next = nil, c.head
	if c.head != nil {
		c.head.prev = n
	}
	c.head = n
	if c.tail == nil {
		c.tail = n
	}
}

func (c *lru) unlink(n *lruNode) {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		c.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		c.tail = n.prev
	}
	n.prev, n.next = nil, nil
}
