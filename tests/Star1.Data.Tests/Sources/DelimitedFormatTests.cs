using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>CSV/TSV reading: quoting as pandas does it, and errors that point at the line.</summary>
public class DelimitedFormatTests
{
    private static SourceSpec Csv(string name, string file, RecordMapping mapping, SourceFormat format = SourceFormat.Csv) => new()
    {
        Name = name,
        Role = SourceRole.Training,
        SelfNgramN = 8,
        Format = format,
        Files = [new SourceFile(file)],
        Mapping = mapping,
    };

    [Fact]
    public void Quoted_fields_keep_separators_line_breaks_and_doubled_quotes()
    {
        using var m = new TempMirror();
        m.Write("S/q.csv",
            "id,question\r\n" +
            "1,\"first line\r\nsecond, line\"\r\n" +
            "2,\"she said \"\"no\"\"\"\r\n" +
            "\r\n" +
            "3,plain\r\n" +
            "4,\"\"\r\n" +
            "5,\"x\"y\n");
        var qs = SourceLoader.Load(Csv("S", "q.csv", new RecordMapping { Question = "question" }), m.Root);
        Assert.Equal(["first line\r\nsecond, line", "she said \"no\"", "plain", "xy"], qs.Questions.Select(q => q.Text));
        Assert.Equal(1, qs.Counts.EmptyQuestion);
    }

    [Fact]
    public void A_missing_column_is_reported_at_the_header_with_the_columns_that_exist()
    {
        using var m = new TempMirror();
        m.Write("HB/h.csv", "Behavior_,FunctionalCategory\nx,standard\n");
        var spec = Csv("HarmBench", "h.csv", new RecordMapping { Question = "Behavior" });
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(spec with { Folder = "HB" }, m.Root));
        Assert.Equal("HarmBench: HB/h.csv line 1: column 'Behavior' not found; columns are: Behavior_, FunctionalCategory", e.Message);
    }

    [Fact]
    public void A_missing_filter_column_is_reported_before_any_row_is_read()
    {
        using var m = new TempMirror();
        // The second data row is malformed; the header check must fire first.
        m.Write("S/x.csv", "prompt,kind\nok,safe\n\"unterminated\n");
        var spec = Csv("S", "x.csv", new RecordMapping { Question = "prompt", Filters = [RowFilter.Parse("label == safe")] });
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(spec, m.Root));
        Assert.Contains("column 'label' not found; columns are: prompt, kind", e.Message);
    }

    [Fact]
    public void A_row_with_more_fields_than_the_header_names_its_line()
    {
        using var m = new TempMirror();
        m.Write("S/x.csv", "a,b\n1,2\n\"multi\nline\",2\n3,4,5\n");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Csv("S", "x.csv", new RecordMapping { Question = "a" }), m.Root));
        Assert.Equal("S: S/x.csv line 5: 3 fields where the header has 2", e.Message);
    }

    [Fact]
    public void A_short_row_fails_only_when_a_needed_cell_is_missing_and_names_the_line()
    {
        using var m = new TempMirror();
        m.Write("S/x.csv", "question,category\nq1,c1\nq2\n");
        var noCategory = SourceLoader.Load(Csv("S", "x.csv", new RecordMapping { Question = "question" }), m.Root);
        Assert.Equal(["q1", "q2"], noCategory.Questions.Select(q => q.Text));

        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Csv("S", "x.csv", new RecordMapping { Question = "question", CategoryFields = ["category"] }), m.Root));
        Assert.Contains("S/x.csv line 3:", e.Message);
        Assert.Contains("column 'category' is missing", e.Message);
    }

    [Fact]
    public void An_unterminated_quote_names_the_line_it_opened_on()
    {
        using var m = new TempMirror();
        m.Write("S/x.csv", "q\nfine\n\"open\nnever closed\n");
        var e = Assert.Throws<SourceDataException>(() =>
            SourceLoader.Load(Csv("S", "x.csv", new RecordMapping { Question = "q" }), m.Root));
        Assert.Contains("S/x.csv line 3:", e.Message);
        Assert.Contains("opened on line 3 is not closed", e.Message);
    }

    [Fact]
    public void Tsv_treats_quotes_inside_a_field_as_text_so_later_lines_are_not_swallowed()
    {
        using var m = new TempMirror();
        m.Write("S/x.tsv", "q\tother\nsays \"hi\tx\nnext row\ty\n\"quoted\ttab\"\tz\n");
        var qs = SourceLoader.Load(Csv("S", "x.tsv", new RecordMapping { Question = "q" }, SourceFormat.Tsv), m.Root);
        Assert.Equal(["says \"hi", "next row", "quoted\ttab"], qs.Questions.Select(q => q.Text));
    }

    [Fact]
    public void A_large_file_streams_with_fields_spanning_the_read_buffer()
    {
        using var m = new TempMirror();
        var big = new string('w', 70_000);
        var text = new System.Text.StringBuilder("q\n");
        for (int i = 0; i < 3; i++) text.Append($"\"{big} {i}\nmore\"\n");
        m.Write("S/x.csv", text.ToString());
        var qs = SourceLoader.Load(Csv("S", "x.csv", new RecordMapping { Question = "q" }), m.Root);
        Assert.Equal(3, qs.Questions.Count);
        Assert.Equal($"{big} 2\nmore", qs.Questions[2].Text);
    }
}
