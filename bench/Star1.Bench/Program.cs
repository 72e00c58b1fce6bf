using Star1.Bench.Engine;

// Rerunnable benchmarks (see the README): dotnet run -c Release --project bench/Star1.Bench -- <name>
return args.FirstOrDefault() switch
{
    "engine" => await EngineBench.Run(args[1..]),
    "engine-host" => await EngineBench.Host(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Star1.Bench engine [--mib 1024] [--repeats 5]");
    return 2;
}
