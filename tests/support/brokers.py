"""Private broker servers for tests that stop and restart them: a redis-server and a
rabbitmq-server of our own, on free ports (of this xdist worker's own, see
tests/support/parallel.py), with their data in a temporary folder.
The shared brokers of the machine are never touched."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.parallel import free_port

# How long a broker may take to answer after a start: a hang guard for a loaded
# machine, not a speed requirement.
START_DEADLINE_S = 180.0


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class BrokerServer:
    """One server process; ``restart`` keeps its data (Redis AOF, RabbitMQ mnesia)."""

    name = "broker"
    port: int
    log: Path

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        raise NotImplementedError

    def _command(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    def _ready(self) -> bool:
        return _answers(self.port)

    def start(self) -> None:
        command, env = self._command()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_DEADLINE_S
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(
                    f"private {self.name} on port {self.port} did not start "
                    f"(is {command[0]} installed?); its log ends:\n{tail}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """A clean shutdown (Redis writes its AOF, RabbitMQ its queues)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        while _answers(self.port):  # the port is free again before a restart
            time.sleep(0.2)

    def restart(self, pause: float = 1.0) -> None:
        self.stop()
        time.sleep(pause)
        self.start()


class RedisServer(BrokerServer):
    name = "redis-server"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder, self.port, self.log = folder, free_port(), folder / "redis.log"
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self) -> tuple[list[str], dict[str, str]]:
        return [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "",
        ], {}  # fmt: skip

    def _ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=2).ping())
        except redis.exceptions.RedisError:
            return False


class RabbitServer(BrokerServer):
    name = "rabbitmq-server"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder, self.port, self.log = folder, free_port(), folder / "rabbitmq.log"
        self.dist_port = free_port()
        self.node = f"l10ntest{self.port}@localhost"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "enabled_plugins").write_text("[].\n")

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _command(self) -> tuple[list[str], dict[str, str]]:
        f = self.folder
        env = {
            "HOME": str(f),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(f / "mnesia"),
            "RABBITMQ_LOG_BASE": str(f / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(f / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(f / "rabbitmq"),
            "RABBITMQ_PID_FILE": str(f / "rabbitmq.pid"),
        }
        # Debian's /usr/sbin wrapper switches to the rabbitmq user; the real script
        # runs as whoever starts it.
        direct = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
        return [str(direct) if direct.exists() else "rabbitmq-server"], env

    def _ready(self) -> bool:
        if not _answers(self.port):
            return False
        from kombu import Connection

        try:
            with Connection(self.url, connect_timeout=3) as conn:
                conn.connect()
            return True
        except Exception:
            return False

    def purge(self, queues: list[str]) -> None:
        """Drop what an earlier test left in ``queues``."""
        from kombu import Connection

        with Connection(self.url, connect_timeout=10) as conn:
            for queue in queues:
                channel = conn.channel()
                try:
                    channel.queue_delete(queue)
                except Exception:  # never declared: nothing to drop
                    pass
                finally:
                    channel.close()
