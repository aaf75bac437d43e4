package cache

import (
	"bufio"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
)

// WriteStream is WriteFile of the payload that write writes to the
// writer it is given, in as many pieces as it likes: the payload is
// never held whole, which for the history's diff cache (about 90 MB at
// 10,000 postmortems, in some 36,000 pieces) saved copying it into one
// buffer. The file is the same as WriteFile's of the pieces joined: the
// SHA-256, which comes before the payload, is written once the payload
// has been, into the place left for it.
func WriteStream(name, magic string, write func(w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	head := make([]byte, 0, len(magic)+1+sha256.Size)
	head = append(append(head, magic...), '\n')
	if err == nil {
		// The checksum's place, filled in below.
		_, err = f.Write(head[:len(head)+sha256.Size])
	}
	if err == nil {
		h := sha256.New()
		bw := bufio.NewWriterSize(f, 1<<20)
		err = write(io.MultiWriter(h, bw))
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			_, err = f.WriteAt(h.Sum(nil), int64(len(head)))
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
