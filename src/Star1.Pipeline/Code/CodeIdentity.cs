using System.Text;
using Star1.Pipeline.Hashing;

namespace Star1.Pipeline.Code;

/// <summary>
/// The code a stage runs, as parts with their content hashes: one per type of this repository's
/// assemblies that the stage can reach ("type Star1.Data.Collect.Funnel.EmbeddingFilters"), one per
/// third-party assembly it reaches ("assembly Parquet.Net 6.1.0.0"). The parts are recorded in the lock
/// so that a stale stage can say which code changed; their combined hash enters the fingerprint.
/// </summary>
public sealed record CodeIdentity(SortedDictionary<string, string> Parts)
{
    /// <summary>One hash over every part, in order.</summary>
    public string Hash { get; } = Combine(Parts);

    private static string Combine(SortedDictionary<string, string> parts)
    {
        var text = new StringBuilder();
        foreach (var (name, hash) in parts) text.Append(name).Append('\0').Append(hash).Append('\n');
        return ContentHash.OfString(text.ToString());
    }
}

/// <summary>
/// Marks an assembly as part of the build engine (the stage engine, the host). Its code decides how a stage
/// is run, not what the stage produces, so it is not hashed into stage fingerprints; what it hands to stages
/// (params values, file paths) enters fingerprints as data. A change of its semantics bumps
/// <see cref="Engine.StageEngine.FormatVersion"/> instead.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class EngineAssemblyAttribute : Attribute;
