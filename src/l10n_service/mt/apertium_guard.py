"""A stage of the Apertium chain that keeps ``apertium-tagger`` from remembering
earlier sentences: it runs the tagger, feeds it one NUL-terminated record at a time,
and swaps in a fresh tagger after any record that changed the running one.

Why: the HMM tagger (``-g``), meeting a word whose ambiguity class its
``.prob`` file lacks (``known``: adjective or participle; ``I``: pronoun or roman
numeral), substitutes a known class found by ``find_similar_ambiguity_class``
(``apertium/tagger_utils.cc``), which assigns its pick through a reference to the
tagger's *open class*: the tags it tries on every unknown word. From then on, for the
life of the process, unknown words are tagged from that smaller set, which the next
such word replaces again (so it depends on the order, too). Nothing in the stream
resets it, the NUL included. Measured with Debian's apertium 3.8.3 and
apertium-eng-spa 0.8.1: "The pandemic brought the world to a standstill." alone
gives "trajo", after "It is known." "traído"; 71 of 1,500 sentences of the vendored
technical documents come back different in reverse order. Every other stage of
eng-spa and eng-cat (eng-cat's perceptron tagger, its CG, lexical selection,
anaphora, transfer) gave the same output for the same record whatever came before
(each fed, in order, what it gets for every sentence of the sample alone).

With ``-d`` the tagger reports each such word on stderr (APR61050, "A new ambiguity
class was found") while it reads the word, before it writes the record's NUL, so
the report is in the pipe by the time the record's answer is. A fresh tagger costs
~3 ms of CPU (ICU and C++ start-up), paid once per sentence that changed the last
one: 1.3% of the sample article's, 3-6% of technical documents'. Records go through
the tagger one at a time (it holds none back past a NUL), while the stages before
and after it keep working on their own records.

Run as a script by the pipeline (``python -I -S apertium_guard.py apertium-tagger
-d ...``): standard library only, no package import.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys

__all__ = ["REPORT", "exchange", "main"]

# What the tagger writes (English under LC_ALL=C.UTF-8) when its open class may change.
REPORT = b"new ambiguity class"
_READ = 1 << 16


class TaggerExited(Exception):
    """The tagger closed its output: its stderr says why."""

    def __init__(self, stderr: bytes) -> None:
        super().__init__(stderr.decode("utf-8", "replace").strip())


def start(command: list[str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
    )
    assert proc.stdin is not None
    os.set_blocking(proc.stdin.fileno(), False)  # a long record never blocks us
    return proc


def exchange(proc: subprocess.Popen[bytes], record: bytes) -> tuple[bytes, bool]:
    """``record`` (NUL included) through the tagger: its answer up to its NUL, and
    whether the tagger reported a word that changed it. Output and stderr are read
    while the record is written, so neither pipe can fill and stall the tagger."""
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    to_tagger, answer_fd, err_fd = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
    poller = select.poll()
    poller.register(answer_fd, select.POLLIN)
    poller.register(err_fd, select.POLLIN)
    pending = _send(to_tagger, memoryview(record), poller, err_fd)
    answer = b""
    errors = b""
    while not answer.endswith(b"\0"):
        for fd, _ in poller.poll():
            if fd == answer_fd:
                chunk = os.read(answer_fd, _READ)
                if not chunk:
                    raise TaggerExited(errors + _rest(err_fd))
                answer += chunk
            elif fd == err_fd:
                errors += os.read(err_fd, _READ)
            else:
                pending = _send(to_tagger, pending, poller, err_fd)
    # The report is written while the word is read, before the NUL: in the pipe by now.
    while select.select([err_fd], [], [], 0)[0] and (chunk := os.read(err_fd, _READ)):
        errors += chunk
    return answer, REPORT in errors


def _send(fd: int, pending: memoryview, poller: select.poll, err_fd: int) -> memoryview:
    """As much of ``pending`` as the pipe takes now; the rest once it is writable."""
    try:
        pending = pending[os.write(fd, pending) :]
    except BlockingIOError:
        pass
    except BrokenPipeError:
        raise TaggerExited(_rest(err_fd)) from None
    if pending:
        poller.register(fd, select.POLLOUT)
    else:
        with contextlib.suppress(KeyError):
            poller.unregister(fd)
    return pending


def _rest(fd: int) -> bytes:
    out = bytearray()
    while chunk := os.read(fd, _READ):
        out += chunk
    return bytes(out)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def main(command: list[str]) -> int:
    # A spare, loaded while idle, takes over at once when the running one changed.
    proc, spare = start(command), start(command)
    buffer = b""
    try:
        while data := os.read(0, _READ):
            buffer += data
            while (end := buffer.find(b"\0")) >= 0:
                record, buffer = buffer[: end + 1], buffer[end + 1 :]
                answer, changed = exchange(proc, record)
                _write(1, answer)
                if changed:
                    _stop(proc)
                    proc, spare = spare, start(command)
        # End of input: what is left goes through as the tagger would pass it.
        assert proc.stdin is not None and proc.stdout is not None
        os.set_blocking(proc.stdin.fileno(), True)
        _write(proc.stdin.fileno(), buffer)
        proc.stdin.close()
        _write(1, _rest(proc.stdout.fileno()))
        return proc.wait()
    except TaggerExited as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except BrokenPipeError:  # the next stage went away: the chain is being stopped
        return 0
    finally:
        for tagger in (proc, spare):
            if tagger.poll() is None:
                _stop(tagger)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
