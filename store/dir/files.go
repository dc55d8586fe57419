package dir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

const (
	dirPerm  = 0o750
	filePerm = 0o640
	// maxObjectSize bounds what a read accepts; shadow objects are a few KiB.
	maxObjectSize = 16 << 20
	// tempPrefix marks files being written; listings skip them.
	tempPrefix = ".tmp-"
)

func (s *Shadow) path(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }

// get reads an object. An absent object is CodeNotFound.
func (s *Shadow) get(op, key string) ([]byte, error) {
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, s.fail(op, key, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxObjectSize+1)); err != nil {
		return nil, s.fail(op, key, err)
	}
	if buf.Len() > maxObjectSize {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: errors.New("object is larger than 16 MiB")}
	}
	return buf.Bytes(), nil
}

func (s *Shadow) exists(op, key string) (bool, error) {
	_, err := os.Stat(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, s.fail(op, key, err)
}

// create writes an object only if the key is free. The content goes to a temporary file
// that is synced and then hard-linked to its final name: link(2) fails when the name
// exists, so across goroutines and processes exactly one writer wins, and nobody ever
// sees a half-written object. A key already taken is CodeAlreadyExists.
func (s *Shadow) create(op, key string, body []byte) error {
	tmp, err := s.writeTemp(op, key, body)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = s.fault("rename", s.path(key)) // link(2) is this store's rename
	if err == nil {
		err = os.Link(tmp, s.path(key))
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &store.Error{Code: store.CodeAlreadyExists, Op: op, Key: key, Err: errors.New("object already exists")}
		}
		// The temporary file was just written in the same directory, so a refused link is
		// a file system without hard links (FAT, some FUSE and network mounts).
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) {
			return &store.Error{Code: store.CodeUnsupported, Op: op, Key: key, Err: fmt.Errorf(
				"the file system under %s does not support hard links, which the shadow store needs to create files only if absent; put the data directory on a local file system such as ext4 or xfs: %w", s.root, err)}
		}
		return s.fail(op, key, err)
	}
	return s.syncDir(op, key)
}

// replace writes an object whatever is there, atomically (rename over it).
func (s *Shadow) replace(op, key string, body []byte) error {
	tmp, err := s.writeTemp(op, key, body)
	if err != nil {
		return err
	}
	err = s.fault("rename", s.path(key))
	if err == nil {
		err = os.Rename(tmp, s.path(key))
	}
	if err != nil {
		os.Remove(tmp)
		return s.fail(op, key, err)
	}
	return s.syncDir(op, key)
}

// writeTemp writes body to a synced temporary file next to key and returns its path.
func (s *Shadow) writeTemp(op, key string, body []byte) (string, error) {
	dir := filepath.Dir(s.path(key))
	if err := s.mkdirAll(op, dir); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", s.fail(op, key, err)
	}
	err = s.fault("write", f.Name())
	if err == nil {
		_, err = f.Write(body)
	}
	if err == nil {
		err = f.Chmod(filePerm)
	}
	if err == nil {
		err = s.fault("fsync", f.Name())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", s.fail(op, key, err)
	}
	return f.Name(), nil
}

// mkdirAll creates dir and its missing parents below the root, syncing each parent so a
// new directory survives a crash together with the file about to be linked into it.
func (s *Shadow) mkdirAll(op, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	rel, err := filepath.Rel(s.root, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s: %s is outside the data directory %s", op, dir, s.root)
	}
	cur := s.root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		next := filepath.Join(cur, part)
		err := os.Mkdir(next, dirPerm)
		switch {
		case err == nil:
			if err := syncPath(cur); err != nil {
				return s.fail(op, next, err)
			}
		case errors.Is(err, fs.ErrExist):
		default:
			return s.fail(op, next, err)
		}
		cur = next
	}
	return nil
}

// syncDir makes the new name of key durable.
func (s *Shadow) syncDir(op, key string) error {
	err := s.fault("fsync", filepath.Dir(s.path(key)))
	if err == nil {
		err = syncPath(filepath.Dir(s.path(key)))
	}
	if err != nil {
		return s.fail(op, key, fmt.Errorf("sync directory: %w", err))
	}
	return nil
}

func syncPath(p string) error {
	d, err := os.Open(p)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// listVersions returns the versions of the "vNNNNNNNN.json" files under prefix.
func (s *Shadow) listVersions(op, prefix string) ([]int, error) {
	entries, err := os.ReadDir(s.path(prefix))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(op, prefix, err)
	}
	var versions []int
	for _, e := range entries {
		if v, ok := layout.VersionOfKey(prefix, prefix+e.Name()); ok && e.Type().IsRegular() {
			versions = append(versions, v)
		}
	}
	return versions, nil
}

// fail turns a file-system error into a *store.Error where the bot must word it, and
// otherwise wraps it with the operation and key. nil stays nil.
func (s *Shadow) fail(op, key string, err error) error {
	where := "data directory " + s.root
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return &store.Error{Code: store.CodeNotFound, Op: op, Key: key, Err: err, Part: store.PartHistory, Where: where}
	case errors.Is(err, fs.ErrPermission):
		return &store.Error{Code: store.CodeAccessDenied, Op: op, Key: key, Part: store.PartHistory, Where: where,
			Err: fmt.Errorf("the data directory %s is not readable and writable by this process: %w", s.root, err)}
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		return &store.Error{Code: store.CodeDiskFull, Op: op, Key: key, Part: store.PartHistory, Where: where,
			Err: fmt.Errorf("the data directory %s is full: %w", s.root, err)}
	case errors.Is(err, syscall.EIO):
		return &store.Error{Code: store.CodeIO, Op: op, Key: key, Part: store.PartHistory, Where: where,
			Err: fmt.Errorf("the data directory %s reports an I/O error: %w", s.root, err)}
	}
	return fmt.Errorf("%s %s: %w", op, key, err)
}

// fault is the test seam of the file system: it may fail a write, fsync or rename.
func (s *Shadow) fault(stage, path string) error {
	if f := s.faults.Load(); f != nil {
		return (*f)(stage, path)
	}
	return nil
}

// SetFaults installs f, which is asked before every write, fsync and rename in the data
// directory ("write", "fsync", "rename", with the path) and may fail it, as a full disk
// (syscall.ENOSPC) or a failing device (syscall.EIO) would; nil removes it. For tests.
func (s *Shadow) SetFaults(f func(stage, path string) error) {
	if f == nil {
		s.faults.Store(nil)
		return
	}
	s.faults.Store(&f)
}
