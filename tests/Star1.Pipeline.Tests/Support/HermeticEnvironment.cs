using System.Runtime.CompilerServices;
using Star1.Pipeline.Engine;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// Tests run builds in throw-away folders and must not reach a cache the machine points at: CI exports
/// STAR1_CACHE_DIR for its own builds, and a developer may have a remote cache set. Cleared as this assembly
/// loads, before any test. A child process the tests start (<see cref="ChildProcess"/>) inherits the cleared
/// environment, so whatever of these it has was set on purpose by its test, and it keeps it.
/// </summary>
public static class HermeticEnvironment
{
    public static readonly string[] Cleared = [CacheSettings.DirVariable, CacheSettings.RemoteVariable, CacheSettings.DefaultTokenVariable];

    /// <summary>Set in the environment of a child process started by a test.</summary>
    public const string ChildVariable = "STAR1_TEST_CHILD";

    [ModuleInitializer]
    public static void Clear()
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) == "1") return;
        foreach (var variable in Cleared) Environment.SetEnvironmentVariable(variable, null);
    }
}
