namespace Star1.Eval.Sandbox;

/// <summary>The two small scripts the sandbox puts in front of the program.</summary>
internal static class SandboxScripts
{
    /// <summary>Marks the sandbox's own messages on stderr, so a setup failure reads as Error, not as the program's failure.</summary>
    public const string Marker = "star1-sandbox:";

    /// <summary>
    /// Runs as root of a fresh user + mount namespace (unshare), before the program: the program's folder is
    /// bound onto itself so it becomes a mount of its own, then every other mount is remounted read-only (only in
    /// this namespace; the host's mounts are untouched). "/" must succeed or nothing runs; special mounts
    /// (proc, sysfs) that refuse are left as they are, since the kernel already denies writes there to a user
    /// without privileges outside the namespace. A folder path with spaces would be escaped in mountinfo and its
    /// mount remounted read-only too: the sandbox's folders never have spaces. The shell then runs the program as
    /// its child instead of exec-ing it: the first process of a PID namespace ignores every signal it has no
    /// handler for, and the program must stay killable by its CPU limit (SIGXCPU). Arguments: the folder, then
    /// the command. PWD and OLDPWD, which the shell sets, are unset again: the program sees only the environment
    /// the sandbox chose.
    /// </summary>
    public const string MountPrelude = """
        d=$(cd "$1" && pwd -P) || { echo "star1-sandbox: no folder $1" >&2; exit 125; }; shift
        mount --bind "$d" "$d" || { echo "star1-sandbox: cannot bind the program's folder" >&2; exit 125; }
        mount -o remount,bind,ro / || { echo "star1-sandbox: cannot make / read-only" >&2; exit 125; }
        while read -r _ _ _ _ mp _; do
          [ "$mp" = "$d" ] || [ "$mp" = / ] || mount -o remount,bind,ro "$mp" 2>/dev/null
        done < /proc/self/mountinfo
        cd "$d" || { echo "star1-sandbox: cannot enter the program's folder" >&2; exit 125; }
        unset PWD OLDPWD
        "$@"; exit $?
        """;

    /// <summary>Without the mount step, the same shell stays the namespace's first process for the same reason.</summary>
    public const string PidOnePrelude = """
        shift; unset PWD OLDPWD; "$@"; exit $?
        """;

    /// <summary>
    /// The Python guard (a second line, not a boundary: code can reach past an audit hook through native
    /// code, which is why ctypes' lookups and calls of native functions are refused too). It installs a sys.addaudithook hook, then runs the program as
    /// __main__. Refused with PermissionError: opening a file for writing (and removing, renaming, creating,
    /// changing) outside the folder; opening another process's /proc entry (run as our own user, a program could
    /// read our environment, API keys included, from /proc/PID/environ); socket connect/bind/send; more processes than allowed, and any process from a
    /// forked child (so a fork bomb cannot fan out); ctypes looking up a native function, calling a function
    /// pointer or reading memory at an address. Loading a library stays allowed: numpy imports ctypes, which
    /// loads the interpreter as a library, and a solution may use numpy.
    /// Arguments: folder, program, processes allowed.
    /// </summary>
    public const string Guard = """
        import os, sys, runpy

        _root = os.path.realpath(sys.argv[1])
        _program = sys.argv[2]
        _spawns_left = int(sys.argv[3])
        _main_pid = os.getpid()
        _writing = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
        _path_events = {"os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.utime",
                        "os.rename", "os.symlink", "os.link", "shutil.rmtree"}
        _spawn_events = {"os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "subprocess.Popen"}
        _socket_events = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}
        _native_events = {"ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function", "ctypes.cdata"}

        def _inside(path):
            if isinstance(path, int):
                return True  # a descriptor already open: its opening was checked
            try:
                real = os.path.realpath(os.fsdecode(path))
            except Exception:
                return False
            return real == _root or real.startswith(_root + os.sep) or real == "/dev/null"

        def _other_process(path):
            if isinstance(path, int):
                return False
            try:
                parts = os.path.realpath(os.fsdecode(path)).split(os.sep)
            except Exception:
                return True
            return len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and int(parts[2]) != os.getpid()

        def _refuse(what):
            raise PermissionError("star1-sandbox: " + what + " is refused")

        def _hook(event, args):
            global _spawns_left
            if event == "open":
                if args[2] & _writing and not _inside(args[0]):
                    _refuse("writing outside the program's folder (" + str(args[0]) + ")")
                if _other_process(args[0]):
                    _refuse("reading another process's /proc entry (" + str(args[0]) + ")")
            elif event in _path_events:
                for path in args[:2]:
                    if isinstance(path, (str, bytes, os.PathLike)) and not _inside(path):
                        _refuse(event + " outside the program's folder (" + str(path) + ")")
            elif event in _socket_events:
                _refuse("network (" + event + ")")
            elif event in _spawn_events:
                if os.getpid() != _main_pid or _spawns_left <= 0:
                    _refuse("another process (" + event + ")")
                _spawns_left -= 1
            elif event in _native_events:
                _refuse("native code (" + event + ")")

        sys.addaudithook(_hook)
        sys.argv = [_program]
        runpy.run_path(_program, run_name="__main__")
        """;
}
