using Star1.Bench;

// Benchmarks, one per name: `dotnet run -c Release --project bench/Star1.Bench -- <name> [options]`.
switch (args.Length > 0 ? args[0] : "")
{
    case "funnel":
        return FunnelBench.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: Star1.Bench <benchmark> [options]");
        Console.Error.WriteLine("  funnel [--sizes 10000,100000] [--dense-size 10000] [--tests 2500] [--repeat 3]");
        Console.Error.WriteLine("         decontamination funnel steps 1-4: sparse production code vs the original's dense matrices");
        return 2;
}
