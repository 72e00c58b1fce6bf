using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Star1.Host;

/// <summary>
/// Builds a real Cake context from Cake.Core's own implementations (file system, environment, globber,
/// process runner, tool locator), the way Cake.Frosting's container would, without a DI container.
/// </summary>
internal static class CakeServices
{
    public static ICakeContext CreateContext(Verbosity verbosity, bool isTerminal)
    {
        var fileSystem = new FileSystem();
        // Cake's working directory is the process's (setting it would change the whole process's cwd);
        // build.sh starts the host from the repository root.
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var console = new CakeConsoleForOutput(new CakeConsole(environment), isTerminal);
        var log = new CakeBuildLog(console, verbosity);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var globber = new Globber(fileSystem, environment);
        var tools = new ToolLocator(environment, new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var processes = new ProcessRunner(fileSystem, environment, log, tools, configuration);
        var installer = new ToolInstaller(environment, tools, configuration, log, []);
        var services = new Services();
        var context = new CakeContext(fileSystem, environment, globber, log,
            new CakeArguments(Array.Empty<(string, string)>().ToLookup(a => a.Item1, a => a.Item2)),
            processes, new WindowsRegistry(), tools, new CakeDataService(), configuration, installer, services);
        services.Add<ICakeLog>(log);
        services.Add<ICakeEnvironment>(environment);
        services.Add<IFileSystem>(fileSystem);
        services.Add<ICakeContext>(context);
        return context;
    }

    /// <summary>The few services Cake aliases may ask the context for.</summary>
    private sealed class Services : IServiceProvider
    {
        private readonly Dictionary<Type, object> items = [];
        public void Add<T>(T item) where T : notnull => items[typeof(T)] = item;
        public object? GetService(Type serviceType) => items.GetValueOrDefault(serviceType);
    }
}
