"""The fault suite's harness: run dnmf on a bad input or under a fault, and check that it
ends as docs/errors.md promises.

Each case asserts: the exit status, exactly one "dnmf: error:" line naming the file, no
hang (a case that does not end within its time limit fails), no output left behind,
finished or partial, and every input unchanged (checksums before and after).
"""
import contextlib
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from harness import dnmf_command  # noqa: E402

FAILURES = []


def checksum(path):
    """A digest of a file, or of a folder's files and names."""
    digest = hashlib.sha256()
    if os.path.isdir(path):
        for folder, _, files in sorted(os.walk(path)):
            for name in sorted(files):
                digest.update(os.path.relpath(os.path.join(folder, name), path).encode())
                digest.update(checksum(os.path.join(folder, name)).encode())
    elif os.path.exists(path):
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def leftovers(output):
    """Files named after `output`: the output itself, or one of its temporaries."""
    folder = os.path.dirname(output) or "."
    name = os.path.basename(output)
    return sorted(f for f in os.listdir(folder) if f.startswith(name)) if os.path.isdir(folder) else []


def run(case, arguments, *, fragments=(), inputs=(), output=None, status=1, errors=1, timeout=120, env=None):
    """Runs `dnmf ARGUMENTS`, expecting exit `status` and `errors` error lines, each holding
    every one of `fragments`; `inputs` must be unchanged and `output` must not exist
    afterwards (unless status is 0). Returns the completed run (None on a hang)."""
    before = {path: checksum(path) for path in inputs}
    try:
        completed = subprocess.run(dnmf_command(arguments), capture_output=True, timeout=timeout,
                                   stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        report(case, ["hung (no exit within %d s)" % timeout])
        return None
    stderr = completed.stderr.decode("utf-8", "replace")
    error_lines = [line for line in stderr.splitlines() if line.startswith("dnmf: error:")]
    problems = []
    # A tuple of statuses: any of them will do; 0 then means no error line.
    if isinstance(status, tuple):
        if completed.returncode in status and completed.returncode == 0:
            status, errors, fragments = 0, 0, ()
        elif completed.returncode in status:
            status = completed.returncode
    if completed.returncode != status:
        problems.append("exit %d, expected %s" % (completed.returncode, status))
    if len(error_lines) != errors:
        problems.append("%d error lines, expected %d: %r" % (len(error_lines), errors, error_lines))
    for fragment in fragments:
        if not any(fragment in line for line in error_lines):
            problems.append("no error line holds %r" % fragment)
    for path, digest in before.items():
        if checksum(path) != digest:
            problems.append("input %s changed" % path)
    if output and completed.returncode != 0 and leftovers(output):
        problems.append("left behind: %s" % leftovers(output))
    report(case, problems, error_lines[0] if error_lines else "(no error line)")
    completed.stdout = completed.stdout.decode("utf-8", "replace")
    completed.stderr = stderr
    return completed


def report(case, problems, message=""):
    if problems:
        FAILURES.append("%s: %s" % (case, "; ".join(problems)))
        print("FAIL %-40s %s" % (case, "; ".join(problems)))
    else:
        print("ok   %-40s %s" % (case, message))
    sys.stdout.flush()


@contextlib.contextmanager
def small_filesystem(folder, size="64k"):
    """A tmpfs of `size` mounted on `folder` for the duration (root only), unmounted after."""
    os.makedirs(folder, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        raise RuntimeError("cannot mount a small tmpfs on %s (root needed): %s" % (folder, mounted.stderr.strip()))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", folder], check=False)


def no_processes_left(binary):
    """Names any dnmf process still running from this suite's binary."""
    found = subprocess.run(["pgrep", "-f", binary], capture_output=True, text=True).stdout.split()
    found = [pid for pid in found if int(pid) != os.getpid()]
    if found:
        report("no process left behind", ["still running: " + " ".join(found)])


def temporaries_left(folder):
    left = [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names if ".partial-" in name]
    if left:
        report("no temporary file left behind", ["found " + ", ".join(left)])
