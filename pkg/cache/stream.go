package cache

import (
	"bufio"
	"hash/crc32"
	"io"
	"os"
)

// WriteStream is WriteFile of the payload that write writes to the
// writer it is given, in as many pieces as it likes: the payload is
// never held whole, which for the history's diff cache (about 90 MB at
// 10,000 postmortems, in some 36,000 pieces) saved copying it into one
// buffer. The file is the same as WriteFile's of the pieces joined: the
// checksum, which comes before the payload, is written once the payload
// has been, into the place left for it.
func WriteStream(name, magic string, write func(w io.Writer) error) error {
	return replaceFile(name, func(f *os.File) error {
		head := make([]byte, 0, len(magic)+1+sumSize)
		head = append(append(head, magic...), '\n')
		// The checksum's place, filled in below.
		if _, err := f.Write(head[:len(head)+sumSize]); err != nil {
			return err
		}
		h := crc32.New(castagnoli)
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := write(io.MultiWriter(h, bw)); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		_, err := f.WriteAt(appendSum(nil, h.Sum32()), int64(len(head)))
		return err
	})
}
