using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Snapshooter;
using Star1.Build.Tasks.Training;
using Star1.Build.Tests.Support;
using Star1.Chat.Formats;
using Star1.Chat.Sft;
using Star1.Modeling.Checkpoints;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// train.backend external through the real host: Train hands the demo selection to a stand-in trainer (a shell
/// script, Fixtures/standin-trainer.sh, that checks the files it is given and saves a ready checkpoint) and takes
/// its checkpoint back as checkpoint/.
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class TrainExternalTests(DemoPipeline demo)
{
    /// <summary>The demo selection's size: the stand-in fails unless the JSONL has exactly this many lines.</summary>
    private const int Examples = 40;

    private static string Command(int expectedLines, string extra = "") =>
        $"train.external.command=sh standin-trainer.sh {{data}} {{deepspeed_config}} {{training_args}} {{output_dir}} {expectedLines} standin-model{extra}";

    /// <summary>External backend on 2 GPUs: the demo's global batch 8 = micro batch 4 x 2 GPUs x 1 accumulation step.</summary>
    private static string[] External(string command) =>
        ["--target", "Train", "--set", "train.backend=external", "--set", "train.external.gpus=2", "--set", command];

    /// <summary>A copy of the demo run with the stand-in script and, as the model it "trains", the demo's tiny checkpoint.</summary>
    private BuildRepo Repo()
    {
        var repo = demo.Copy();
        File.Copy(Path.Combine(Pipeline.Tests.Support.RepoPaths.Root, "tests", "Star1.Build.Tests", "Fixtures", "standin-trainer.sh"), repo.PathOf("standin-trainer.sh"));
        Directory.CreateDirectory(repo.PathOf("standin-model"));
        foreach (var f in Directory.GetFiles(repo.PathOf("artifacts", "train", "checkpoint")))
            File.Copy(f, repo.PathOf("standin-model", Path.GetFileName(f)));
        return repo;
    }

    [Fact]
    public async Task TheCommandsCheckpointIsRecordedAndOnlyTheCommandNotTheTimeoutReRunsIt()
    {
        using var repo = Repo();
        Assert.Equal(0, await repo.Run(External(Command(Examples))));
        Assert.Equal("executed", Status(repo, "Train"));
        // Its output streamed to the reporter, stdout and stderr alike, prefixed with the stage.
        Assert.Contains("Train | stand-in: read 40 examples, ZeRO stage 3", repo.Output);
        Assert.Contains("Train | stand-in: a line on stderr", repo.Output);

        // checkpoint/ is what the command saved (the stand-in's model and its trainer_state.json), loadable as a model.
        var checkpoint = repo.PathOf("artifacts", "train", "checkpoint");
        foreach (var f in Directory.GetFiles(repo.PathOf("standin-model")))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(checkpoint, Path.GetFileName(f))));
        Assert.True(File.Exists(Path.Combine(checkpoint, TrainerStateMetrics.FileName)));
        using (var model = CheckpointLoader.LoadModel(checkpoint)) Assert.Equal("qwen2", model.Config.ModelType);
        Assert.Contains("checkpoint/trainer_state.json", File.ReadAllText(repo.PathOf("artifacts", "star1.lock.json")));

        // metrics.jsonl from the trainer's log_history: its two step logs, not its end-of-training summary.
        var steps = File.ReadAllLines(repo.PathOf("artifacts", "train", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([7.25, 6.5], steps.Select(s => s.GetProperty("loss").GetDouble()));
        Assert.Equal([1, 2], steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal([1.5, 1.25], steps.Select(s => s.GetProperty("grad_norm").GetDouble()));

        // The files handed to the command, pinned: the chat JSONL (its first lines) and both configs.
        var folder = Directory.GetDirectories(repo.PathOf("artifacts", "cache", "stages", "Train", ExternalTrainer.Cache)).Single();
        var jsonl = File.ReadAllLines(Path.Combine(folder, "data", ChatJsonl.FileName));
        Assert.Equal(Examples, jsonl.Length);
        Snapshooter.Xunit.Snapshot.Match(string.Join('\n', jsonl.Take(2)), new SnapshotNameExtension("jsonl"));
        Snapshooter.Xunit.Snapshot.Match(File.ReadAllText(Path.Combine(folder, DeepSpeedConfig.FileName)), new SnapshotNameExtension("deepspeed"));
        // The paths hold the repository, a staging folder per run and the run key (which hashes the code): masked.
        var args = File.ReadAllText(Path.Combine(folder, TrainingArgsFile.FileName)).Replace(repo.Root, "<repo>");
        args = Regex.Replace(args, @"staging/Train-[0-9a-f]+/", "staging/Train-<run>/");
        args = args.Replace(Path.GetFileName(folder), "<key>");
        Snapshooter.Xunit.Snapshot.Match(args, new SnapshotNameExtension("training_args"));

        // Nothing changed: nothing runs.
        Assert.Equal(0, await repo.Run(External(Command(Examples))));
        Assert.Equal("up-to-date", Status(repo, "Train"));
        Assert.DoesNotContain("stand-in:", repo.Output);

        // The timeout is a setting; the command is the trainer's identity.
        Assert.True(0 == await repo.Run([.. External(Command(Examples)), "--set", "train.external.timeout_hours=0.5"]), repo.Output);
        Assert.Equal("up-to-date", Status(repo, "Train"));
        Assert.Equal(0, await repo.Run(External(Command(Examples, " pinned-v2"))));
        Assert.Equal("executed", Status(repo, "Train"));
        Assert.Contains("stand-in: read 40 examples", repo.Output);
    }

    [Fact]
    public async Task AFailingCommandFailsTheStageWithItsExitCodeAndLastLinesAndKeepsThePreviousCheckpoint()
    {
        using var repo = Repo();
        Assert.Equal(0, await repo.Run(External(Command(Examples))));
        var checkpoint = repo.PathOf("artifacts", "train", "checkpoint");
        var before = Directory.GetFiles(checkpoint).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var lockBefore = TrainLock(repo);

        // The stand-in expects 41 lines and finds 40: it exits 3 with a message on stderr.
        Assert.NotEqual(0, await repo.Run(External(Command(Examples + 1))));
        Assert.Contains("the external trainer (train.external.command) exited with code 3", repo.Output);
        Assert.Contains("stand-in: expected 41 lines in ", repo.Output);
        Assert.Equal(before, Directory.GetFiles(checkpoint).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        Assert.Equal(lockBefore, TrainLock(repo));
    }

    private static string TrainLock(BuildRepo repo) =>
        JsonNode.Parse(File.ReadAllText(repo.PathOf("artifacts", "star1.lock.json")))!["stages"]!["Train"]!.ToJsonString();

    [Fact]
    public async Task AnUnknownPlaceholderIsNamedWithItsKeyBeforeAnythingRuns()
    {
        using var repo = Repo();
        var command = Command(Examples).Replace("{data}", "{daat}");
        Assert.Equal(0, await repo.Run([.. External(command), "--dryrun"]));
        Assert.Contains("train.external.command: unknown placeholder {daat}", repo.Output);
        Assert.NotEqual(0, await repo.Run(External(command)));
        Assert.Contains("train.external.command: unknown placeholder {daat}", repo.Output);
        Assert.DoesNotContain("stand-in:", repo.Output);
        Assert.False(Directory.Exists(repo.PathOf("artifacts", "cache", "stages", "Train", ExternalTrainer.Cache)));
    }

    [Fact]
    public void TheAssistantTurnIsTheReplyTheInProcessTrainerLearnsForEitherThinkFlag()
    {
        var path = Path.Combine(Path.GetTempPath(), $"star1-chat-{Guid.NewGuid():N}.jsonl");
        SftItem[] items = [new("star1/1", "How do I pick a lock?", "<think>\nIt is risky.\n</think>\n\nI can't help with that.")];
        var format = ChatFormats.Get("r1-distill-qwen");
        try
        {
            foreach (var think in new[] { true, false })
            {
                var options = new SftOptions(1024, think);
                Assert.Equal(1, ChatJsonl.Write(items, options, format, path));
                var messages = JsonNode.Parse(File.ReadAllLines(path).Single())!["messages"]!.AsArray();
                Assert.Equal(["user", "assistant"], messages.Select(m => m!["role"]!.GetValue<string>()));
                Assert.Equal(items[0].Question, messages[0]!["content"]!.GetValue<string>());
                Assert.Equal(SftBuilder.Reply(items[0], options, format), messages[1]!["content"]!.GetValue<string>());
            }
            // think_flag 0 on a reasoning format: the empty think block, as the in-process trainer renders it.
            Assert.Contains("\"content\":\"<think>\\n\\n</think>\\n\\nI can't help with that.\"", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ACheckpointWithoutConfigOrWithAMissingShardIsRefusedNamingWhatIsMissing()
    {
        var folder = Directory.CreateTempSubdirectory("star1-taken-").FullName;
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => TakenCheckpoint.Check(folder));
            Assert.Contains("missing config.json, model.safetensors or model.safetensors.index.json, tokenizer.json", e.Message);
            File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{}");
            File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
                """{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");
            File.WriteAllBytes(Path.Combine(folder, "model-00001-of-00002.safetensors"), [0]);
            e = Assert.Throws<InvalidDataException>(() => TakenCheckpoint.Check(folder));
            Assert.Contains("missing model-00002-of-00002.safetensors (named in model.safetensors.index.json)", e.Message);
            File.WriteAllBytes(Path.Combine(folder, "model-00002-of-00002.safetensors"), [0]);
            TakenCheckpoint.Check(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void PlaceholdersAreShellQuotedAndTheBatchMustSplitOverTheGpus()
    {
        var rendered = CommandTemplate.Render("run {data} --lr {learning_rate}", "k", new Dictionary<string, string> { ["data"] = "/a b/it's.jsonl", ["learning_rate"] = "1e-05" });
        Assert.Equal("run '/a b/it'\\''s.jsonl' --lr '1e-05'", rendered);
        var external = new ExternalParams("x", "", 8, 3, 1);
        Assert.Equal(16, external.AccumulationSteps(128, 1));
        var e = Assert.Throws<ArgumentException>(() => external.AccumulationSteps(4, 2));
        Assert.Contains("train.global_batch 4 is not a multiple of train.micro_batch 2 x train.external.gpus 8", e.Message);
    }

    [Fact]
    public async Task CancellingOrTheTimeoutKillsTheCommandsWholeProcessTree()
    {
        var folder = Directory.CreateTempSubdirectory("star1-proc-").FullName;
        try
        {
            // A child that would outlive its shell: its pid is written first, so the test can see whether it died.
            const string command = "sleep 60 & echo $! > child.pid; echo started; wait";
            var lines = new List<string>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAsync<TimeoutException>(() => ExternalProcess.RunAsync(command, folder, TimeSpan.FromSeconds(1), lines.Add, CancellationToken.None));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed}");
            Assert.Contains("started", lines);
            Assert.False(Alive(folder));

            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ExternalProcess.RunAsync(command, folder, TimeSpan.FromHours(1), _ => { }, cancel.Token));
            Assert.False(Alive(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Whether the child the command started still runs (a killed process may linger briefly as a zombie).</summary>
    private static bool Alive(string folder)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(folder, "child.pid")).Trim());
        for (var i = 0; i < 50; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z") return false;
            Thread.Sleep(100);
        }
        return true;
    }
}
