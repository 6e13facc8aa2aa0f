# Runs `milvus-lite server ...` with two guarantees the plain console script lacks:
#  1. SIGTERM shuts down gracefully (Python's default SIGTERM kills without closing the DB; milvus-lite only drains
#     and closes on KeyboardInterrupt), so Process.destroy() from the JVM flushes cleanly.
#  2. The server exits when its stdin reaches EOF, i.e. when the parent JVM is gone for any reason, even kill -9,
#     where no shutdown hook runs. The JVM holds the write end of the pipe and never writes to it.
import os, signal, sys, threading, _thread

signal.signal(signal.SIGTERM, signal.default_int_handler)

def _exit_when_parent_gone():
    # os.read on the raw fd, not sys.stdin: a daemon thread blocked inside the buffered reader holds its lock and
    # makes interpreter shutdown abort ("could not acquire lock for <stdin>").
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    _thread.interrupt_main()
    # Hard stop if the graceful path hangs (5 s drain + close in milvus-lite, plus margin).
    threading.Timer(15.0, lambda: os._exit(3)).start()

threading.Thread(target=_exit_when_parent_gone, name="parent-watch", daemon=True).start()

from milvus_lite.cmdline import main
sys.exit(main(sys.argv[1:]))
