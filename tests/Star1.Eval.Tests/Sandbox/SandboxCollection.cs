namespace Star1.Eval.Tests.Sandbox;

/// <summary>Sandbox runs measure time and count processes: they run one at a time, not beside each other.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxCollection
{
    public const string Name = "Python sandbox";
}
