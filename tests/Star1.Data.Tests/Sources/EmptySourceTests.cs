using Parquet;
using Parquet.Schema;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>A file that gives no rows is an error in every format, worded alike and naming the file.</summary>
public class EmptySourceTests
{
    private static SourceSpec Spec(string file, string format, string? question) =>
        new CustomSourceSpec("Mine", file, format, question).ToSourceSpec("/unused");

    public static TheoryData<string, string, string?, string, string> EmptyFiles => new()
    {
        // file, format, question column, content, expected reason
        { "empty.csv", "csv", "q", "", "has no rows (the file is empty or holds only blank lines)" },
        { "blank.csv", "csv", "q", "\n\n", "has no rows (the file is empty or holds only blank lines)" },
        { "header.csv", "csv", "q", "q,c\n", "has no rows (only a header line)" },
        { "header.tsv", "tsv", "q", "q\tc\n", "has no rows (only a header line)" },
        { "empty.jsonl", "jsonl", "q", "", "has no rows (the file is empty or holds only blank lines)" },
        { "blank.jsonl", "jsonl", "q", "\n  \n\t\n", "has no rows (the file is empty or holds only blank lines)" },
        { "empty.json", "json", "q", "[\n]\n", "has no rows (the file is empty or holds only blank lines)" },
        { "empty.txt", "txt", null, "", "has no rows (the file is empty or holds only blank lines)" },
        { "blank.txt", "txt", null, "\n   \n\n", "has no rows (the file is empty or holds only blank lines)" },
    };

    [Theory]
    [MemberData(nameof(EmptyFiles))]
    public void An_empty_source_file_is_an_error_naming_it(string file, string format, string? question, string content, string reason)
    {
        using var m = new TempMirror();
        var path = m.Write(file, content);
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(Spec(path, format, question), m.Root));
        Assert.Equal($"Mine: {path}: {reason}", e.Message);
    }

    [Fact]
    public async Task An_empty_parquet_file_is_an_error_naming_it()
    {
        using var m = new TempMirror();
        var path = m.PathOf("empty.parquet");
        await using (var stream = File.Create(path))
        await using (await ParquetWriter.CreateAsync(new ParquetSchema(new DataField<string>("q")), stream)) { }
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(Spec(path, "parquet", "q"), m.Root));
        Assert.Equal($"Mine: {path}: has no rows", e.Message);
    }

    [Fact]
    public void One_empty_file_among_several_is_named_even_when_the_others_have_rows()
    {
        using var m = new TempMirror();
        m.Write("HExPHI/category_1.csv", "\"first\"\n\"second\"\n");
        for (int k = 2; k <= 11; k++) m.Write($"HExPHI/category_{k}.csv", k == 7 ? "" : "\"a\"\n\"b\"\n");
        var hexphi = PaperSources.Training.Single(s => s.Name == "HExPHI");
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(hexphi, m.Root));
        Assert.Equal("HExPHI: HExPHI/category_7.csv: has no rows (the file is empty or holds only blank lines)", e.Message);
    }
}
