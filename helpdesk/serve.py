"""Serve the web app and the qcluster workers together; Ctrl-C (or SIGTERM) stops both."""

import os
import signal
import subprocess
import sys

ADDRESS = os.environ.get("TIERDESK_ADDRESS", "127.0.0.1:8000")


def main():
    python = sys.executable
    children = [
        subprocess.Popen([python, "manage.py", "qcluster"]),
        subprocess.Popen([python, "manage.py", "runserver", "--noreload", ADDRESS]),
    ]
    print(f"Tierdesk at http://{ADDRESS}/ — admin at http://{ADDRESS}/admin/ (Ctrl-C stops)")

    def stop(signum=None, frame=None):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda s, f: (stop(), sys.exit(0)))
    try:
        # Whichever child exits first takes the other one down with it: no orphans.
        os.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()


if __name__ == "__main__":
    main()
