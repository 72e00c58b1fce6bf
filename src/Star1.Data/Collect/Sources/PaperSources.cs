namespace Star1.Data.Collect.Sources;

/// <summary>
/// The paper's 18 training sources (in PAPER.md section 1's order, which matters: each source is
/// filtered against the test sets and every source before it) and its 5 test sets. Mirror paths keep
/// the upstream file names; folders are kept where names would collide or where the hub's layout has them.
/// </summary>
/// <remarks>
/// Branches: checked against repository snapshots where one could be had (GPTFuzz and SG-Bench: master;
/// Jailbreak_LLM, safety-tuned-llamas, chain-of-thought-bias: main). Unconfirmed, taken as main:
/// tdc2023-starter-kit, HarmBench, strongreject, xstest. Hugging Face files use the main revision.
/// </remarks>
public static class PaperSources
{
    /// <summary>The 18 training sources with their self n-gram sizes.</summary>
    public static IReadOnlyList<SourceSpec> Training { get; } =
    [
        GitHub("GPTFuzz", 8, "sherdencooper/GPTFuzz", "master", SourceFormat.Csv,
            [("datasets/questions/question_list.csv", "question_list.csv")],
            new RecordMapping { Question = "text" }),

        HuggingFace("SimpleSafetyTests", 8, "Bertievidgen/SimpleSafetyTests", SourceFormat.Csv,
            ["sst_test_cases.csv"],
            new RecordMapping { Question = "prompt", CategoryFields = ["harm_area"] }),

        GitHub("MaliciousInstruct", 8, "Princeton-SysML/Jailbreak_LLM", "main", SourceFormat.Text,
            [("data/MaliciousInstruct.txt", "MaliciousInstruct.txt")],
            new RecordMapping()),

        GitHub("QHarm", 8, "vinid/safety-tuned-llamas", "main", SourceFormat.Json,
            [("data/evaluation/Q-Harm.json", "Q-Harm.json")],
            new RecordMapping { Question = "instructions", ParallelLists = ["instructions"] }),

        // Branch unconfirmed (main). behaviors.json is believed to be a list of strings; objects with a
        // "text" key (the paper's wording) are accepted as well.
        GitHub("TDCRedTeaming", 8, "centerforaisafety/tdc2023-starter-kit", "main", SourceFormat.Json,
            [("red_teaming/data/dev/behaviors.json", "dev/behaviors.json"),
             ("red_teaming/data/test/behaviors.json", "test/behaviors.json")],
            new RecordMapping { Question = "text", AcceptBareStrings = true }),

        GitHub("MaliciousInstructions", 8, "vinid/safety-tuned-llamas", "main", SourceFormat.Json,
            [("data/evaluation/I-MaliciousInstructions.json", "I-MaliciousInstructions.json")],
            new RecordMapping { Question = "instructions", CategoryFields = ["tags"], ParallelLists = ["instructions", "tags"] }),

        // toxic_outs.json is a list of strings (checked); objects with "text" are accepted as well.
        GitHub("HarmfulQ", 8, "SALT-NLP/chain-of-thought-bias", "main", SourceFormat.Json,
            [("data/dangerous-q/toxic_outs.json", "toxic_outs.json")],
            new RecordMapping { Question = "text", AcceptBareStrings = true }),

        // Category 2 is withheld upstream. See RecordMapping.FirstRowOfEachFileIsLost for the header quirk.
        HuggingFace("HExPHI", 8, "LLM-Tuning-Safety/HEx-PHI", SourceFormat.HeaderlessCsv,
            ["category_1.csv", .. Enumerable.Range(3, 9).Select(i => $"category_{i}.csv")],
            new RecordMapping { Question = "0", FirstRowOfEachFileIsLost = true, CategoryFromFileName = true },
            gated: true),

        GitHub("HarmBench", 8, "centerforaisafety/HarmBench", "main", SourceFormat.Csv,
            [("data/behavior_datasets/harmbench_behaviors_text_all.csv", "harmbench_behaviors_text_all.csv")],
            new RecordMapping
            {
                Question = "Behavior",
                CategoryFields = ["SemanticCategory"],
                Filters = [new RowFilter("FunctionalCategory", FilterOperator.NotEqual, "contextual")],
            }),

        // Repository renamed from ibm/AttaQ; file name per DATA_SOURCES.md (unconfirmed).
        HuggingFace("AttaQ", 7, "ibm-research/AttaQ", SourceFormat.Csv,
            ["AttaQ-v1.csv"],
            new RecordMapping { Question = "input", CategoryFields = ["label"] }),

        HuggingFace("HarmfulQA", 7, "declare-lab/HarmfulQA", SourceFormat.Json,
            ["data_for_hub.json"],
            new RecordMapping { Question = "question" }),

        GitHub("SafetyInstructions", 7, "vinid/safety-tuned-llamas", "main", SourceFormat.Json,
            [("data/training/safety_only_data_Instructions.json", "safety_only_data_Instructions.json")],
            new RecordMapping { Question = "instruction" }),

        // Array or JSON Lines (unconfirmed); both are read.
        HuggingFace("UltraSafety", 7, "openbmb/UltraSafety", SourceFormat.Json,
            ["UltraSafety.json"],
            new RecordMapping { Question = "instruction" }),

        HuggingFace("ALERT", 7, "Babelscape/ALERT", SourceFormat.JsonLines,
            ["alert.jsonl"],
            new RecordMapping { Question = "prompt", CategoryFields = ["category"], Cleanup = TextCleanup.StripInstructionResponseMarkers }),

        // Array or JSON Lines (unconfirmed); both are read. Category: the three levels, coarse to fine.
        HuggingFace("SaladBench", 8, "OpenSafetyLab/Salad-Data", SourceFormat.Json,
            ["base_set.json"],
            new RecordMapping { Question = "question", CategoryFields = ["1-category", "2-category", "3-category"] }),

        // Train files first, then test files: the original concatenated train + test.
        HuggingFace("PKUSafeRLHF", 6, "PKU-Alignment/PKU-SafeRLHF", SourceFormat.JsonLines,
            [.. new[] { "train", "test" }.SelectMany(split =>
                new[] { "Alpaca-7B", "Alpaca2-7B", "Alpaca3-8B" }.Select(model => $"data/{model}/{split}.jsonl"))],
            new RecordMapping
            {
                Question = "prompt",
                Filters = [new RowFilter("is_response_0_safe", FilterOperator.Equal, "false"),
                           new RowFilter("is_response_1_safe", FilterOperator.Equal, "false")],
            }),

        // The raw files are .jsonl.xz, which .NET cannot decompress; the hub's parquet copy has the same rows.
        new SourceSpec
        {
            Name = "BeaverTails",
            Role = SourceRole.Training,
            SelfNgramN = 5,
            Format = SourceFormat.Parquet,
            Files =
            [
                new SourceFile("default/330k_train/0000.parquet", Upstream.HuggingFaceParquetShard0("PKU-Alignment/BeaverTails", "default", "330k_train"), IsShardSeries: true),
                new SourceFile("default/330k_test/0000.parquet", Upstream.HuggingFaceParquetShard0("PKU-Alignment/BeaverTails", "default", "330k_test"), IsShardSeries: true),
            ],
            Mapping = new RecordMapping
            {
                Question = "prompt",
                Filters = [new RowFilter("is_safe", FilterOperator.Equal, "false")],
            },
            Page = Upstream.HuggingFacePage("PKU-Alignment/BeaverTails"),
        },

        // Rows with an empty "vanilla" are skipped and counted (SourceLoadCounts.EmptyQuestion).
        HuggingFace("wildjailbreak", 5, "allenai/wildjailbreak", SourceFormat.Tsv,
            ["train/train.tsv"],
            new RecordMapping { Question = "vanilla" },
            gated: true),
    ];

    /// <summary>The 5 test sets the training sources are decontaminated against. Only their question
    /// texts are used, so no category columns are read (fewer assumptions about unconfirmed headers).</summary>
    public static IReadOnlyList<SourceSpec> TestSets { get; } =
    [
        GitHub("StrongREJECT", 0, "alexandrasouly/strongreject", "main", SourceFormat.Csv,
            [("strongreject_dataset/strongreject_dataset.csv", "strongreject_dataset.csv")],
            new RecordMapping { Question = "forbidden_prompt" }, SourceRole.Test),

        HuggingFace("JBB-Behaviors", 0, "JailbreakBench/JBB-Behaviors", SourceFormat.Csv,
            ["data/harmful-behaviors.csv"],
            new RecordMapping { Question = "Goal" }, role: SourceRole.Test),

        GitHub("SG-Bench", 0, "MurrayTom/SG-Bench", "master", SourceFormat.Json,
            [("datasets/SG-Bench/original_query/malicious_instruction.json", "malicious_instruction.json")],
            new RecordMapping { Question = "query" }, SourceRole.Test),

        // Same repository as the training split, so it shares the "wildjailbreak" mirror folder.
        HuggingFace("WildJailbreak", 0, "allenai/wildjailbreak", SourceFormat.Tsv,
            ["eval/eval.tsv"],
            new RecordMapping
            {
                Question = "adversarial",
                Filters = [new RowFilter("data_type", FilterOperator.Equal, "adversarial_harmful")],
            },
            gated: true, role: SourceRole.Test) with { Folder = "wildjailbreak", Sample = new SeededSample(42, 250) },

        GitHub("XSTest", 0, "paul-rottger/xstest", "main", SourceFormat.Csv,
            [("xstest_prompts.csv", "xstest_prompts.csv")],
            new RecordMapping { Question = "prompt", Filters = [new RowFilter("label", FilterOperator.Equal, "safe")] },
            SourceRole.Test),
    ];

    /// <summary>All 23 specs, training sources first.</summary>
    public static IReadOnlyList<SourceSpec> All => [.. Training, .. TestSets];

    private static SourceSpec GitHub(string name, int n, string ownerRepo, string branch, SourceFormat format,
        (string Upstream, string Local)[] files, RecordMapping mapping, SourceRole role = SourceRole.Training) => new()
    {
        Name = name,
        Role = role,
        SelfNgramN = n,
        Format = format,
        Files = [.. files.Select(f => new SourceFile(f.Local, Upstream.GitHubFile(ownerRepo, branch, f.Upstream)))],
        Mapping = mapping,
        Page = Upstream.GitHubPage(ownerRepo),
    };

    private static SourceSpec HuggingFace(string name, int n, string repo, SourceFormat format,
        string[] files, RecordMapping mapping, bool gated = false, SourceRole role = SourceRole.Training) => new()
    {
        Name = name,
        Role = role,
        SelfNgramN = n,
        Format = format,
        Files = [.. files.Select(f => new SourceFile(f, Upstream.HuggingFaceFile(repo, f)))],
        Mapping = mapping,
        Gated = gated,
        Page = Upstream.HuggingFacePage(repo),
    };
}
