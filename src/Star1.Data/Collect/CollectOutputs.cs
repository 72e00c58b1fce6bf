using System.Text.Encodings.Web;
using System.Text.Json;

namespace Star1.Data.Collect;

/// <summary>
/// The bytes of Collect's JSON outputs. They are read by people and by later stages, never embedded in a
/// web page, so the default HTML-safe escaping (<c>'</c> as <c>\u0027</c>, <c>-&gt;</c> as <c>-\u003E</c>,
/// every non-ASCII letter as <c>\uXXXX</c>) only makes them harder to read: the relaxed encoder escapes
/// what JSON requires (quotes, backslashes, control characters) and nothing else.
/// </summary>
public static class CollectOutputs
{
    /// <summary>Options every Collect output shares: indented, with only JSON's required escapes.</summary>
    public static JsonSerializerOptions Options(JsonNamingPolicy? naming = null) => new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = naming,
    };

    /// <summary><c>data_collection.json</c>: <c>[{id, question, source}]</c>, the original's format.</summary>
    public static byte[] QuestionsJson(IEnumerable<CollectedQuestion> questions) =>
        JsonSerializer.SerializeToUtf8Bytes(questions.Select(q => new { id = q.Id, question = q.Question, source = q.Source }), Options());

    /// <summary><c>load_stats.json</c>: per source, where its rows went (snake_case keys).</summary>
    public static byte[] LoadStatsJson(IEnumerable<SourceLoadReport> loads) =>
        JsonSerializer.SerializeToUtf8Bytes(loads, Options(JsonNamingPolicy.SnakeCaseLower));
}
