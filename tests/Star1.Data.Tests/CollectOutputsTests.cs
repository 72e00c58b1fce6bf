using System.Text.Json;
using Star1.Data.Collect;
using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests;

/// <summary>Collect's JSON files keep quotes, angle brackets, ampersands and non-ASCII text readable.</summary>
public class CollectOutputsTests
{
    private const string Tricky = "Where's the <b>best</b> place & time -> \"now\"? Café naïve 東京 \\ done";

    [Fact]
    public void Questions_are_written_without_html_escapes_and_read_back_identically()
    {
        var bytes = CollectOutputs.QuestionsJson([new CollectedQuestion(0, Tricky, "Src's")]);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"question\": \"Where's the <b>best</b> place & time -> \\\"now\\\"? Café naïve 東京 \\\\ done\"", text);
        Assert.Contains("\"source\": \"Src's\"", text);
        Assert.DoesNotContain("\\u", text);

        var back = JsonDocument.Parse(bytes).RootElement.EnumerateArray().Single();
        Assert.Equal((0, Tricky, "Src's"), (back.GetProperty("id").GetInt32(), back.GetProperty("question").GetString(), back.GetProperty("source").GetString()));
    }

    [Fact]
    public void Load_stats_use_snake_case_and_keep_names_readable()
    {
        var bytes = CollectOutputs.LoadStatsJson([new SourceLoadReport("O'Brien & Co <x>", "training", 5, 4, 0, 1, 0, 0)]);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"source\": \"O'Brien & Co <x>\"", text);
        Assert.Contains("\"filtered_out\": 1", text);
        Assert.DoesNotContain("\\u", text);
    }

    [Fact]
    public void Funnel_stats_keep_dropped_examples_readable()
    {
        var sources = new[] { new LoadedSource("A", 8, [new RawQuestion(Tricky, "A"), new RawQuestion(Tricky, "A")]) };
        var stats = Collect.Funnel.Funnel.Run(sources, [], new FunnelSettings(), new HashingEmbedder()).Stats;
        var json = stats.ToJson();
        Assert.Equal(1, stats[FunnelStep.SelfNgram].Dropped);
        Assert.Contains("Where's the <b>best</b> place & time -> \\\"now\\\"? Café naïve 東京", json);
        Assert.DoesNotContain("\\u", json);
        Assert.Equal(json, FunnelStats.FromJson(json).ToJson());
    }
}
