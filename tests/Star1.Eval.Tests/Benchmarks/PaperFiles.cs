using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Star1.Eval.Tests.Benchmarks;

/// <summary>Small hand-made stand-ins for the paper's parquet files, with the upstream column names; numbers are
/// nullable (optional columns) as pyarrow writes them.</summary>
internal static class PaperFiles
{
    public static void Write<T>(string path, IEnumerable<T> rows) where T : class, new()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ParquetSerializer.SerializeAsync(rows, path).GetAwaiter().GetResult();
    }

    internal sealed class AimeRow
    {
        public string ID { get; set; } = "";
        public string Problem { get; set; } = "";
        public string Solution { get; set; } = "";
        public long? Answer { get; set; }
    }

    internal sealed class HumanEvalRow
    {
        [JsonPropertyName("task_id")] public string TaskId { get; set; } = "";
        [JsonPropertyName("prompt")] public string Prompt { get; set; } = "";
        [JsonPropertyName("canonical_solution")] public string CanonicalSolution { get; set; } = "";
        [JsonPropertyName("test")] public string Test { get; set; } = "";
        [JsonPropertyName("entry_point")] public string EntryPoint { get; set; } = "";
    }

    internal sealed class MmluProRow
    {
        [JsonPropertyName("question_id")] public long? QuestionId { get; set; }
        [JsonPropertyName("question")] public string Question { get; set; } = "";
        [JsonPropertyName("options")] public List<string> Options { get; set; } = [];
        [JsonPropertyName("answer")] public string Answer { get; set; } = "";
        [JsonPropertyName("answer_index")] public long? AnswerIndex { get; set; }
        [JsonPropertyName("category")] public string Category { get; set; } = "";
        [JsonPropertyName("src")] public string Src { get; set; } = "";
    }
}
