// Package history reads a repository's Git history once and attaches the
// audit trail of each postmortem to it: who wrote what, who reviewed it, when
// it was approved. It uses go-git and never runs the git binary.
//
// # One pass
//
// Load walks every commit reachable from HEAD once and compares each with its
// first parent, reading only the trees under Options.Roots and skipping every
// subtree whose hash did not change. A commit that added a file there has the
// rest of its tree compared too, for the deleted files it may have been moved
// from; a file moved in from outside the roots has its own history read in a
// further pass limited to its old path. The result is a map from path to
// revisions; Revisions and Attach are look-ups in it. The map can be cached on
// disk (Options.CacheDir), keyed by HEAD: a build with no new commits reads no
// history, and one with new commits diffs only those (and, when they move
// files in from outside the roots, those files' old paths in every commit).
// With Options.FieldsVersion, the front-matter fields Attach compares are
// cached there too, by blob: a build parses only file versions it has not
// seen.
//
// # Merges
//
// A file's revisions are what `git log --first-parent --follow -- FILE`
// shows: the commits on HEAD's first-parent chain that changed the file, a
// merge being compared with its first parent only. A pull request merged with
// a merge commit is therefore one revision, the merge, dated when it landed
// and carrying the PR number; a squash merge is its single commit. The merged
// branch's own commits are not revisions, but they are read: their authors
// and Co-authored-by trailers are the file's contributors (the person who
// merged is not, for that), and their trailers are sign-offs.
//
// # Renames
//
// A file's history follows it across renames as `git log --first-parent
// --follow` does for the file it follows, whichever folder it came from: a
// file a commit added continues the history of a file the same commit
// deleted anywhere in the repository, the one with identical content (one
// with the same base name first), else the most similar by git's own
// similarity measure if at least 50% similar (git's default -M50%). Each
// added file is matched on its own, so two files split from one both
// continue its history. Unlike `git log --follow`, which also takes a file
// the commit left in place as the source of a copy, only deleted files can
// be a rename's source: a postmortem started as a copy of another, or of a
// template, begins at its own first commit. A deleted or moved-away
// postmortem keeps its history, found by its last path.
//
// # Sign-offs and review
//
// The sign-offs of a file are the trailers of the commits that changed it
// (the landing commit and, for a merge, the branch commits): Reviewed-by,
// Approved-by and Acked-by always count, as does any other configured trailer
// except Co-authored-by. A Signed-off-by by the commit's own author certifies
// where the change came from rather than reviewing it, so it counts only when
// the author is on the incident's review committee (front matter Reviewers);
// so does merging a pull request, recorded as the trailer "merge". Reviewers
// are matched to sign-offs by email, else by case-insensitive name, after
// .mailmap (read from HEAD's tree). A sign-off is stale when the file's
// content at the sign-off's commit is not its content at HEAD.
//
// # Versions
//
// Repo.Versions reads what a file said before and after each of its
// revisions, for diffs; reading one file's revisions newest first is
// cheapest, each version one delta from the last. The Git object database
// is the internal package gitdb's, which knows Git and nothing of
// postmortems.
package history
