namespace Star1.Data.Collect.Sources;

/// <summary>The URL shapes of the two hosts the paper's data comes from (DATA_SOURCES.md).</summary>
public static class Upstream
{
    public const string GitHubRaw = "https://raw.githubusercontent.com/";
    public const string HuggingFace = "https://huggingface.co/";

    /// <summary>A file in a GitHub repository at a branch.</summary>
    public static string GitHubFile(string ownerRepo, string branch, string path) => $"{GitHubRaw}{ownerRepo}/{branch}/{path}";

    public static string GitHubPage(string ownerRepo) => $"https://github.com/{ownerRepo}";

    /// <summary>A raw file of a Hugging Face dataset repository, main revision.</summary>
    public static string HuggingFaceFile(string repo, string path) => $"{HuggingFace}datasets/{repo}/resolve/main/{path}";

    /// <summary>Shard 0000 of the hub's automatic parquet copy of one config and split.</summary>
    public static string HuggingFaceParquetShard0(string repo, string config, string split) =>
        $"{HuggingFace}datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/{config}/{split}/0000.parquet";

    public static string HuggingFacePage(string repo) => $"{HuggingFace}datasets/{repo}";
}
