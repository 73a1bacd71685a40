"""A private PostgreSQL 15 server for the grading tests: ``initdb`` into a temporary folder,
``pg_ctl start`` on 127.0.0.1 at a free port and on a unix socket in that folder, ``stop`` after.

PostgreSQL refuses to run as root; when the tests run as root the server runs as ``nobody``
(the folder is handed over to it). ``url`` is a SQLAlchemy URL for psycopg 3.
"""
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

BINDIRS = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]


def find_binary(name):
    for folder in BINDIRS:
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return shutil.which(name)


def available():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return find_binary("initdb") is not None and find_binary("pg_ctl") is not None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = "grader"
        self._as = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self._as = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            for parent in self.folder.parents:  # the server must reach its own folder
                if parent.stat().st_mode & 0o001 == 0:
                    os.chmod(parent, parent.stat().st_mode | 0o001)
        self.url = f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/gradebook"

    def _run(self, *args):
        run = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "LC_ALL": "C.UTF-8"})
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
        return run

    def start(self):
        self._run(find_binary("initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=50"
        self._run(find_binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE gradebook")
        return self

    def stop(self):
        """Stop the server (by its pid file if pg_ctl cannot) and delete its folder."""
        try:
            self._run(find_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except RuntimeError:
            try:
                os.kill(int((self.data / "postmaster.pid").read_text().split()[0]), 9)
            except (OSError, ValueError, IndexError):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
