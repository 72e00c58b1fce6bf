namespace Star1.Pipeline.Params;

/// <summary>The params of one run: params.yaml with the chosen profile and --set overrides applied.</summary>
public sealed class EffectiveParams(ParamNode root, string profile, IReadOnlyList<string> applied)
{
    public ParamNode Root { get; } = root;
    public string Profile { get; } = profile;

    /// <summary>What changed the base file in this run, in order ("profile paper", "--set a.b=1").</summary>
    public IReadOnlyList<string> Overrides { get; } = applied;

    public ParamNode? Find(string path)
    {
        var node = Root;
        foreach (var segment in path.Split('.'))
        {
            if (node.Kind != ParamKind.Map || !node.Children.TryGetValue(segment, out var next)) return null;
            node = next;
        }
        return node;
    }

    public ParamNode Get(string path) => Find(path) ?? throw new ParamsException($"params.yaml has no key '{path}'");

    /// <summary>The value's canonical JSON, or null when the key is missing.</summary>
    public string? Canonical(string path) => Find(path)?.ToCanonicalJson();
}
