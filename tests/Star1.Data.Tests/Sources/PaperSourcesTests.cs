using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>The paper's source list: order, n-gram sizes, where files live and come from.</summary>
public class PaperSourcesTests
{
    [Fact]
    public void Training_sources_are_the_papers_18_in_order_with_their_ngram_sizes()
    {
        (string, int)[] expected =
        [
            ("GPTFuzz", 8), ("SimpleSafetyTests", 8), ("MaliciousInstruct", 8), ("QHarm", 8), ("TDCRedTeaming", 8),
            ("MaliciousInstructions", 8), ("HarmfulQ", 8), ("HExPHI", 8), ("HarmBench", 8), ("AttaQ", 7), ("HarmfulQA", 7),
            ("SafetyInstructions", 7), ("UltraSafety", 7), ("ALERT", 7), ("SaladBench", 8), ("PKUSafeRLHF", 6),
            ("BeaverTails", 5), ("wildjailbreak", 5),
        ];
        Assert.Equal(expected, PaperSources.Training.Select(s => (s.Name, s.SelfNgramN)));
        Assert.All(PaperSources.Training, s => Assert.Equal(SourceRole.Training, s.Role));
    }

    [Fact]
    public void Test_sets_are_the_papers_5()
    {
        Assert.Equal(["StrongREJECT", "JBB-Behaviors", "SG-Bench", "WildJailbreak", "XSTest"], PaperSources.TestSets.Select(s => s.Name));
        Assert.All(PaperSources.TestSets, s => Assert.Equal(SourceRole.Test, s.Role));
        var wjb = PaperSources.TestSets.Single(s => s.Name == "WildJailbreak");
        Assert.Equal(new SeededSample(42, 250), wjb.Sample);
        Assert.True(wjb.Gated);
    }

    [Fact]
    public void Every_file_has_an_upstream_url_of_the_documented_shapes()
    {
        foreach (var spec in PaperSources.All)
        foreach (var file in spec.Files)
        {
            var url = file.Url ?? "";
            Assert.True(
                url.StartsWith("https://raw.githubusercontent.com/", StringComparison.Ordinal)
                || url.StartsWith("https://huggingface.co/datasets/", StringComparison.Ordinal), $"{spec.Name}: {file.Path}: url '{file.Url}'");
            Assert.False(Path.IsPathRooted(file.Path), $"{spec.Name}: {file.Path}");
            // Mirror paths keep the upstream file name.
            Assert.EndsWith("/" + Path.GetFileName(file.Path), url);
        }
    }

    [Fact]
    public void Urls_and_mirror_paths_of_a_few_sources_are_exactly_as_documented()
    {
        SourceFile Only(string name) => Assert.Single(PaperSources.All.Single(s => s.Name == name).Files);

        Assert.Equal(new SourceFile("question_list.csv",
            "https://raw.githubusercontent.com/sherdencooper/GPTFuzz/master/datasets/questions/question_list.csv"), Only("GPTFuzz"));
        Assert.Equal(new SourceFile("train/train.tsv",
            "https://huggingface.co/datasets/allenai/wildjailbreak/resolve/main/train/train.tsv"), Only("wildjailbreak"));
        Assert.Equal(new SourceFile("malicious_instruction.json",
            "https://raw.githubusercontent.com/MurrayTom/SG-Bench/master/datasets/SG-Bench/original_query/malicious_instruction.json"), Only("SG-Bench"));

        var beaver = PaperSources.Training.Single(s => s.Name == "BeaverTails");
        Assert.Equal(
            "https://huggingface.co/datasets/PKU-Alignment/BeaverTails/resolve/refs%2Fconvert%2Fparquet/default/330k_train/0000.parquet",
            beaver.Files[0].Url);
        Assert.All(beaver.Files, f => Assert.True(f.IsShardSeries));

        var hexphi = PaperSources.Training.Single(s => s.Name == "HExPHI");
        Assert.Equal(["category_1.csv", "category_3.csv", "category_4.csv", "category_5.csv", "category_6.csv", "category_7.csv",
            "category_8.csv", "category_9.csv", "category_10.csv", "category_11.csv"], hexphi.Files.Select(f => f.Path));
        Assert.True(hexphi.Gated);
    }

    [Fact]
    public void FilePaths_lists_pku_train_files_before_test_files_under_the_mirror()
    {
        var pku = PaperSources.Training.Single(s => s.Name == "PKUSafeRLHF");
        var mirror = Path.Combine(Path.GetTempPath(), "mirror-root");
        Assert.Equal(
            new[] { "Alpaca-7B/train", "Alpaca2-7B/train", "Alpaca3-8B/train", "Alpaca-7B/test", "Alpaca2-7B/test", "Alpaca3-8B/test" }
                .Select(p => Path.Combine(mirror, "PKUSafeRLHF", "data", p + ".jsonl")),
            pku.FilePaths(mirror));
    }

    [Fact]
    public void The_wildjailbreak_eval_set_shares_the_training_splits_folder()
    {
        var mirror = Path.Combine(Path.GetTempPath(), "m");
        var eval = PaperSources.TestSets.Single(s => s.Name == "WildJailbreak");
        var train = PaperSources.Training.Single(s => s.Name == "wildjailbreak");
        Assert.Equal(Path.Combine(mirror, "wildjailbreak", "eval", "eval.tsv"), Assert.Single(eval.FilePaths(mirror)));
        Assert.Equal(Path.Combine(mirror, "wildjailbreak", "train", "train.tsv"), Assert.Single(train.FilePaths(mirror)));
    }
}
