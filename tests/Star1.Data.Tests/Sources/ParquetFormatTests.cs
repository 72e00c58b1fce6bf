using Parquet;
using Parquet.Schema;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>Parquet reading through the BeaverTails spec: is_safe filter, shard series, errors.</summary>
public class ParquetFormatTests
{
    private static SourceSpec BeaverTails => PaperSources.Training.Single(s => s.Name == "BeaverTails");

    /// <summary>A BeaverTails-shaped parquet file; each array is one row group.</summary>
    private static async Task WriteBeaverTailsAsync(string path, params (string? Prompt, bool? IsSafe)[][] rowGroups)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var prompt = new DataField<string>("prompt");
        var response = new DataField<string>("response");
        var isSafe = new DataField<bool?>("is_safe");
        var id = new DataField<long>("id");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(prompt, response, isSafe, id), stream);
        long next = 0;
        foreach (var group in rowGroups)
        {
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync(prompt, group.Select(r => r.Prompt).ToArray());
            await rg.WriteAsync(response, group.Select(_ => "a long response we never read").ToArray());
            await rg.WriteAsync<bool>(isSafe, group.Select(r => r.IsSafe).ToArray().AsMemory());
            await rg.WriteAsync<long>(id, group.Select(_ => next++).ToArray().AsMemory());
        }
    }

    [Fact]
    public async Task BeaverTails_keeps_unsafe_rows_across_row_groups_and_both_splits()
    {
        using var m = new TempMirror();
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_train/0000.parquet"),
            [("train unsafe 1", false), ("train safe", true)],
            [("train unsafe 2", false), ("train unknown", null)]);
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_test/0000.parquet"),
            [("test unsafe", false), ("test safe", true)]);

        var result = SourceLoader.Load(BeaverTails, m.Root);
        Assert.Equal(["train unsafe 1", "train unsafe 2", "test unsafe"], result.Questions.Select(q => q.Text));
        Assert.Equal(6, result.Counts.Rows);
        Assert.Equal(3, result.Counts.FilteredOut);
        Assert.Equal(5, BeaverTails.SelfNgramN);
    }

    [Fact]
    public async Task A_shard_series_is_read_in_order_and_listed_by_FilePaths()
    {
        using var m = new TempMirror();
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_train/0000.parquet"), [("shard 0", false)]);
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_train/0001.parquet"), [("shard 1", false)]);
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_test/0000.parquet"), [("test shard 0", false)]);

        Assert.Equal(
            [m.PathOf("BeaverTails/default/330k_train/0000.parquet"), m.PathOf("BeaverTails/default/330k_train/0001.parquet"),
             m.PathOf("BeaverTails/default/330k_test/0000.parquet")],
            BeaverTails.FilePaths(m.Root));
        Assert.Equal(["shard 0", "shard 1", "test shard 0"], SourceLoader.Load(BeaverTails, m.Root).Questions.Select(q => q.Text));
    }

    [Fact]
    public async Task A_missing_parquet_column_names_the_file_and_the_columns()
    {
        using var m = new TempMirror();
        var path = m.PathOf("BeaverTails/default/330k_train/0000.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var question = new DataField<string>("question");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(question), stream))
        {
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync(question, new[] { "q" });
        }
        await WriteBeaverTailsAsync(m.PathOf("BeaverTails/default/330k_test/0000.parquet"), [("x", false)]);

        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(BeaverTails, m.Root));
        Assert.Equal("BeaverTails: BeaverTails/default/330k_train/0000.parquet schema: column 'prompt' not found; columns are: question", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_reported_as_such()
    {
        using var m = new TempMirror();
        m.Write("BeaverTails/default/330k_train/0000.parquet", "{\"prompt\": \"this is json\"}");
        m.Write("BeaverTails/default/330k_test/0000.parquet", "nope");
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(BeaverTails, m.Root));
        Assert.StartsWith("BeaverTails: BeaverTails/default/330k_train/0000.parquet: not a readable parquet file", e.Message);
    }
}
