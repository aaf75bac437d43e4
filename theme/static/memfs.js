// memfs.js: a read-only, in-memory globalThis.fs for Go's wasm_exec.js, so
// that the search runtime's os calls (open, read, stat, readdir, close) read
// index files the page fetched. Works in pages, workers and node. The site's
// search worker loads it from the theme, and so does pkg/wasm/test.sh.
//
//   const mem = installMemFS({"/idx/index_meta.json": Uint8Array, ...});
//   ... // the Go program opens and reads the files
//   mem.release(); // forget them, once the program has read what it needs
//   mem.add({"/idx/store/root.bolt": Uint8Array, ...}); // files to read next
//
// It must run before wasm_exec.js, which installs a stub fs only when
// globalThis.fs is missing. Writes fail with EROFS.
"use strict";

(function () {
	const O = { O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536 };
	const writeFlags = O.O_WRONLY | O.O_RDWR | O.O_CREAT | O.O_EXCL | O.O_TRUNC | O.O_APPEND;
	const err = (code) => { const e = new Error(code); e.code = code; return e; };
	const norm = (p) => {
		const out = [];
		for (const s of p.split("/")) {
			if (s === "" || s === ".") continue;
			if (s === "..") out.pop(); else out.push(s);
		}
		return "/" + out.join("/");
	};

	function installMemFS(input) {
		const files = new Map(); // path → Uint8Array
		const dirs = new Map([["/", new Set()]]); // path → names
		const add = (more) => {
			for (const [p, data] of Object.entries(more)) {
				const path = norm(p);
				files.set(path, data);
				let child = path;
				for (let dir = path.slice(0, path.lastIndexOf("/")) || "/"; ; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
					if (!dirs.has(dir)) dirs.set(dir, new Set());
					dirs.get(dir).add(child.slice(child.lastIndexOf("/") + 1));
					if (dir === "/") break;
					child = dir;
				}
			}
		};
		add(input);
		const fds = new Map();
		const pending = { 1: "", 2: "" };
		const decoder = new TextDecoder("utf-8");
		let nextFD = 100;
		const stat = (path) => {
			const isDir = dirs.has(path), data = files.get(path);
			if (!isDir && !data) return null;
			return {
				dev: 1, ino: 0, mode: isDir ? 0o40755 : 0o100444, nlink: 1, uid: 0, gid: 0, rdev: 0,
				size: isDir ? 0 : data.length, blksize: 4096, blocks: 0,
				atimeMs: 0, mtimeMs: 0, ctimeMs: 0,
				isDirectory: () => isDir,
			};
		};
		const byFD = (fd, cb) => { const f = fds.get(fd); if (!f) cb(err("EBADF")); return f; };
		const rofs = (...args) => args[args.length - 1](err("EROFS"));

		globalThis.fs = {
			constants: O,
			open(path, flags, mode, cb) {
				path = norm(path);
				if (flags & writeFlags) return cb(err("EROFS"));
				const st = stat(path);
				if (!st) return cb(err("ENOENT"));
				if ((flags & O.O_DIRECTORY) && !st.isDirectory()) return cb(err("ENOTDIR"));
				const fd = nextFD++;
				fds.set(fd, { path, pos: 0, st });
				cb(null, fd);
			},
			close(fd, cb) { if (byFD(fd, cb)) { fds.delete(fd); cb(null); } },
			fstat(fd, cb) { const f = byFD(fd, cb); if (f) cb(null, f.st); },
			stat(path, cb) { const st = stat(norm(path)); st ? cb(null, st) : cb(err("ENOENT")); },
			lstat(path, cb) { this.stat(path, cb); },
			readdir(path, cb) {
				const d = dirs.get(norm(path));
				d ? cb(null, [...d].sort()) : cb(err("ENOTDIR"));
			},
			read(fd, buf, offset, length, position, cb) {
				const f = byFD(fd, cb);
				if (!f) return;
				const data = files.get(f.path);
				if (!data) return cb(err("EISDIR"));
				const from = position === null ? f.pos : position;
				const chunk = data.subarray(from, Math.min(from + length, data.length));
				buf.set(chunk, offset);
				if (position === null) f.pos += chunk.length;
				cb(null, chunk.length);
			},
			fsync(fd, cb) { cb(null); },
			// Standard output and error (Go's prints, log, panics) go to the
			// console a line at a time; files cannot be written.
			writeSync(fd, buf) {
				if (fd !== 1 && fd !== 2) throw err("EBADF");
				pending[fd] += decoder.decode(buf, { stream: true });
				const nl = pending[fd].lastIndexOf("\n");
				if (nl >= 0) {
					(fd === 1 ? console.log : console.error)(pending[fd].slice(0, nl));
					pending[fd] = pending[fd].slice(nl + 1);
				}
				return buf.length;
			},
			write(fd, buf, offset, length, position, cb) {
				if (fd !== 1 && fd !== 2) return cb(err(fds.has(fd) ? "EROFS" : "EBADF"));
				try {
					cb(null, this.writeSync(fd, buf.subarray(offset, offset + length)));
				} catch (e) {
					cb(e);
				}
			}, chmod: rofs, chown: rofs, fchmod: rofs, fchown: rofs, ftruncate: rofs,
			lchown: rofs, link: rofs, mkdir: rofs, readlink: (p, cb) => cb(err("EINVAL")),
			rename: rofs, rmdir: rofs, symlink: rofs, truncate: rofs, unlink: rofs, utimes: rofs,
		};
		// The search runtime reads every index file whole when it opens the
		// index: after that the bytes here are a second copy.
		return {
			// add puts more files in (replacing those of the same path): Go's
			// syscall package holds on to the first globalThis.fs, so a second
			// installMemFS would not be seen.
			add,
			release() {
				files.clear();
				dirs.clear();
				dirs.set("/", new Set());
			},
		};
	}

	globalThis.installMemFS = installMemFS;
})();
