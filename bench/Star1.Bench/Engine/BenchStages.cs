using Cake.Core;
using Star1.Host;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;

namespace Star1.Bench.Engine;

/// <summary>The benchmark graph's context: nothing beyond the standard one.</summary>
public sealed class BenchContext(ICakeContext cake, StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

/// <summary>
/// One benchmark stage: reads its own size key and writes that many MiB of deterministic bytes.
/// Twenty of them, chained, make the 1 GB graph whose no-op re-run the engine benchmark times.
/// </summary>
public abstract class BenchStage : StageTask<BenchContext>
{
    private string Key => $"stages.{TaskInfoName.ToLowerInvariant()}_mib";
    private string TaskInfoName => GetType().Name;
    public override IReadOnlyList<string> ParamKeys => [Key];
    public override IReadOnlyList<string> Outputs => ["out.bin"];

    /// <summary>
    /// Makes the stage reach Collect's code, so that a no-op run pays for hashing a real stage's code closure
    /// (about a hundred types and a dozen packages, the MiniLM model among them), not a toy one.
    /// </summary>
    public static Type RealCode => typeof(Star1.Data.Collect.CollectPipeline);

    public override async Task ExecuteAsync(BenchContext context, StageContext stage, CancellationToken ct)
    {
        var mib = stage.Param(Key).AsInt();
        var random = new Random(int.Parse(TaskInfoName[1..])); // S07 -> seed 7: the same bytes every run
        var block = new byte[1 << 20];
        await using var file = File.Create(stage.Output("out.bin"));
        for (var i = 0; i < mib; i++)
        {
            random.NextBytes(block);
            await file.WriteAsync(block, ct);
        }
    }
}

[TaskName("S01")] public sealed class S01 : BenchStage;
[TaskName("S02"), IsDependentOn(typeof(S01))] public sealed class S02 : BenchStage;
[TaskName("S03"), IsDependentOn(typeof(S02))] public sealed class S03 : BenchStage;
[TaskName("S04"), IsDependentOn(typeof(S03))] public sealed class S04 : BenchStage;
[TaskName("S05"), IsDependentOn(typeof(S04))] public sealed class S05 : BenchStage;
[TaskName("S06"), IsDependentOn(typeof(S05))] public sealed class S06 : BenchStage;
[TaskName("S07"), IsDependentOn(typeof(S06))] public sealed class S07 : BenchStage;
[TaskName("S08"), IsDependentOn(typeof(S07))] public sealed class S08 : BenchStage;
[TaskName("S09"), IsDependentOn(typeof(S08))] public sealed class S09 : BenchStage;
[TaskName("S10"), IsDependentOn(typeof(S09))] public sealed class S10 : BenchStage;
[TaskName("S11"), IsDependentOn(typeof(S10))] public sealed class S11 : BenchStage;
[TaskName("S12"), IsDependentOn(typeof(S11))] public sealed class S12 : BenchStage;
[TaskName("S13"), IsDependentOn(typeof(S12))] public sealed class S13 : BenchStage;
[TaskName("S14"), IsDependentOn(typeof(S13))] public sealed class S14 : BenchStage;
[TaskName("S15"), IsDependentOn(typeof(S14))] public sealed class S15 : BenchStage;
[TaskName("S16"), IsDependentOn(typeof(S15))] public sealed class S16 : BenchStage;
[TaskName("S17"), IsDependentOn(typeof(S16))] public sealed class S17 : BenchStage;
[TaskName("S18"), IsDependentOn(typeof(S17))] public sealed class S18 : BenchStage;
[TaskName("S19"), IsDependentOn(typeof(S18))] public sealed class S19 : BenchStage;
[TaskName("S20"), IsDependentOn(typeof(S19))] public sealed class S20 : BenchStage;

[TaskName("All"), IsDependentOn(typeof(S20))] public sealed class AllTask : FrostingTask<BenchContext>;

/// <summary>The bare start-up: same host, same params and graph registration, an empty target.</summary>
[TaskName("Bare")] public sealed class BareTask : FrostingTask<BenchContext>;
