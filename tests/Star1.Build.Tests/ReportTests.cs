using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SkiaSharp;
using Star1.Build.Tests.Support;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// Report through the real host, offline: the demo pipeline's Star1 run already wrote it. Its markdown is pinned,
/// its page carries every chart inside itself, and it re-runs exactly when what it shows changes.
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed partial class ReportTests(DemoPipeline demo)
{
    private static readonly string[] Charts =
    [
        "funnel.png", "categories.png", "sources.png", "score_content_safety.png", "score_relevancy.png", "score_thinking.png",
        "loss_train.png", "loss_trainbenign.png", "safety_avg.png", "reasoning_avg.png",
    ];

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private string ReportPath(params string[] file) => demo.Template.PathOf(["artifacts", "report", .. file]);

    [Fact]
    public void TheMarkdownIsPinnedAndLinksEveryChartWrittenBesideIt()
    {
        var markdown = File.ReadAllText(ReportPath("report.md"));
        foreach (var chart in Charts)
        {
            Assert.Contains($"]({chart})", markdown);
            Assert.Equal(PngSignature, File.ReadAllBytes(ReportPath(chart))[..8]);
        }
        // Every number here is deterministic on one machine, but the losses are float sums whose last digits may
        // differ on another CPU or a GPU: their rows are masked; the step counts stay.
        Snapshooter.Xunit.Snapshot.Match(LossRow().Replace(markdown, m => $"{m.Groups[1].Value}<loss> | <loss> |"));
    }

    [Fact]
    public void ThePageEmbedsEveryChartAsAPngDataUri()
    {
        var html = File.ReadAllText(ReportPath("index.html"));
        var images = EmbeddedPng().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();
        Assert.Equal(Charts.Length, images.Count);
        Assert.All(images, png => Assert.Equal(PngSignature, png[..8]));
        // The page's images are the very files report.md links to, in the same order.
        Assert.Equal(Charts.Select(c => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(ReportPath(c))))),
            images.Select(png => Convert.ToHexString(SHA256.HashData(png))));
        // One self-contained file: nothing is fetched from anywhere.
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("Table 1", html);
    }

    [Fact]
    public void EveryNumberSaysWhereItCameFrom()
    {
        var markdown = File.ReadAllText(ReportPath("report.md"));
        foreach (var stage in new[] { "Collect", "Select", "Score", "Train", "TrainBenign", "EvalTable" })
            Assert.Contains($"Source: stage `{stage}`", markdown);
        // The prompt hash shown is the one the lock recorded for Score when it ran.
        var lockHash = Json(demo.Template, "star1.lock.json").GetProperty("stages").GetProperty("Score").GetProperty("inputs").GetProperty("prompts").GetProperty("prompts/score.md").GetString();
        Assert.Contains($"- prompt `prompts/score.md` sha256 `{lockHash}`", markdown);
        Assert.Contains("- param `select.size` = `40`", markdown);
    }

    [Fact]
    public async Task ASecondRunExecutesNothingAndEditingAPromptReRunsTheReport()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.DoesNotContain(Record(repo).GetProperty("stages").EnumerateArray(), s => s.GetProperty("status").GetString() == "executed");
        Assert.Equal("up-to-date", Status(repo, "Report"));

        File.AppendAllText(repo.PathOf("prompts", "score.md"), "\nJudge strictly.\n");
        Assert.Equal(0, await repo.Run("--target", "Report"));
        Assert.Equal("executed", Status(repo, "Report"));
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(repo.PathOf("prompts", "score.md")))).ToLowerInvariant();
        Assert.Contains($"- prompt `prompts/score.md` sha256 `{hash}`", File.ReadAllText(repo.PathOf("artifacts", "report", "report.md")));
    }

    [Fact]
    public async Task StartingFromAReleasedScoredFileTheReportNeitherReadsNorRunsCollectOrScore()
    {
        using var repo = demo.Copy();
        File.WriteAllBytes(repo.PathOf("star41k.json"), File.ReadAllBytes(repo.PathOf("artifacts", "score", "scored.json")));
        Assert.Equal(0, await repo.Run("--target", "Report", "--set", "select.from=star41k.json"));
        var stages = Record(repo).GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()).ToList();
        Assert.DoesNotContain("Collect", stages);
        Assert.DoesNotContain("Score", stages);
        Assert.Equal("executed", Status(repo, "Report"));
        var markdown = File.ReadAllText(repo.PathOf("artifacts", "report", "report.md"));
        Assert.Contains("Score did not run under these params: select.from names a released file.", markdown);
        Assert.DoesNotContain("Source: stage `Score`", markdown);
        Assert.Contains("- param `select.from` = `\"star41k.json\"`", markdown);
        // Every declared chart is still written (an output must exist), but the page shows only the ones with
        // data: not the funnel's nor the three score histograms.
        Assert.All(Charts, c => Assert.True(File.Exists(repo.PathOf("artifacts", "report", c)), c));
        Assert.Equal(Charts.Length - 4, EmbeddedPng().Matches(File.ReadAllText(repo.PathOf("artifacts", "report", "index.html"))).Count);
        Assert.DoesNotContain("](funnel.png)", markdown);
    }

    [ChromiumFact]
    public async Task ThePageRendersInHeadlessChromium()
    {
        var shot = Path.Combine(Path.GetTempPath(), $"star1-report-{Guid.NewGuid():N}.png");
        var profile = Directory.CreateTempSubdirectory("star1-chromium-");
        try
        {
            var start = new ProcessStartInfo(ChromiumFactAttribute.Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--headless", "--disable-gpu", "--no-sandbox", $"--user-data-dir={profile.FullName}",
                         $"--screenshot={shot}", "--window-size=1200,3000", new Uri(ReportPath("index.html")).AbsoluteUri })
                start.ArgumentList.Add(arg);
            using var chromium = Process.Start(start)!;
            var stderr = chromium.StandardError.ReadToEndAsync();
            _ = chromium.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await chromium.WaitForExitAsync(timeout.Token);
            Assert.True(File.Exists(shot), $"chromium wrote no screenshot (exit {chromium.ExitCode}):\n{await stderr}");

            using var bitmap = SKBitmap.Decode(shot);
            Assert.Equal((1200, 3000), (bitmap.Width, bitmap.Height));
            // A blank or error page is one or two colours; the report's text, tables and charts are many.
            var colours = new HashSet<uint>();
            for (int y = 0; y < bitmap.Height; y += 7)
                for (int x = 0; x < bitmap.Width; x += 7)
                    colours.Add((uint)bitmap.GetPixel(x, y));
            Assert.True(colours.Count > 50, $"the screenshot has only {colours.Count} colours");
            Assert.True(new FileInfo(shot).Length > 50_000, $"the screenshot is only {new FileInfo(shot).Length} bytes");
        }
        finally
        {
            File.Delete(shot);
            profile.Delete(recursive: true);
        }
    }

    [GeneratedRegex("(\\| Train(?:Benign)? \\| [0-9]+ \\| )[0-9.]+ \\| [0-9.]+ \\|")]
    private static partial Regex LossRow();

    [GeneratedRegex("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();
}
