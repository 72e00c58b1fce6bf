using Star1.Pipeline.Engine;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// This test assembly is also a program, so tests can start it as a separate process and kill it:
///   hang-in-stage ROOT STAGE SIGNAL [--set k=v]   run the TestRepo graph; STAGE hangs after a partial write
///   hold-lock STATEDIR SIGNAL SECONDS             hold the build lock for a while
///   host ROOT ARGS...                             run the host on HostTests' graph, as ./build.sh would
///   process-host ROOT ARGS...                     a whole build through BuildHost on HostProcessTests' graph
/// </summary>
public static class FixtureProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "hang-in-stage":
                var repo = TestRepo.Open(args[1]);
                repo.HangIn = args[2];
                repo.HangSignal = args[3];
                var sets = args.Length > 4 ? args[4..] : [];
                using (BuildLock.Acquire(repo.Workspace.StateDir, "fixture", TimeSpan.Zero))
                {
                    await repo.RunAll(repo.Engine(null, sets));
                }
                return 0;
            case "hold-lock":
                using (BuildLock.Acquire(args[1], "fixture holding the lock", TimeSpan.Zero))
                {
                    File.WriteAllText(args[2], "held");
                    Thread.Sleep(TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)));
                }
                return 0;
            case "host":
                // The host as ./build.sh starts it (its own console, on this process's real output), on HostTests' graph.
                return await Star1.Host.BuildHost.RunAsync(args[2..], typeof(FixtureProgram).Assembly,
                    (cake, engine, options) => new HostTestContext(cake, engine, options), repoRoot: args[1]);
            case "process-host":
                return await ProcessHost.RunAsync(args[1], args[2..]);
            default:
                Console.Error.WriteLine("usage: hang-in-stage ROOT STAGE SIGNAL [k=v...] | hold-lock STATEDIR SIGNAL SECONDS | host ROOT ARGS... | process-host ROOT ARGS...");
                return 2;
        }
    }
}
