using Cake.Core;
using Star1.Host;
using Star1.Pipeline.Engine;

namespace Star1.Build;

/// <summary>The typed context of the STAR1 graph; shared helpers for tasks go here.</summary>
public sealed class BuildContext(ICakeContext cake, StageEngine engine, HostOptions options)
    : StageBuildContext(cake, engine, options);
