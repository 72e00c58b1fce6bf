using System.Text;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>Bytes that are not UTF-8 stop the load naming the file and line, instead of becoming U+FFFD.</summary>
public class InvalidUtf8Tests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>UTF-8 text with one Windows-1252 byte (0xE9, "é") spliced in where <c>@</c> stands.</summary>
    private static byte[] WithLatin1Byte(string text)
    {
        var at = text.IndexOf('@');
        return [.. Encoding.UTF8.GetBytes(text[..at]), 0xE9, .. Encoding.UTF8.GetBytes(text[(at + 1)..])];
    }

    private static SourceLoadResult Load(TempMirror m, string file, string format, string? question = "q") =>
        SourceLoader.Load(new CustomSourceSpec("Mine", file, format, question).ToSourceSpec(m.Root), m.Root);

    public static TheoryData<string, string, string?, string, string> BadFiles => new()
    {
        // file, format, question column, content with the bad byte at @, expected location
        { "bad.csv", "csv", "q", "q,c\nfine,a\n\"also fine\",b\ncaf@ au lait,c\n", "line 4, byte 4" },
        { "bad.tsv", "tsv", "q", "q\tc\nfine\ta\ncaf@\tb\n", "line 3, byte 4" },
        { "badheader.csv", "csv", "q", "q,caf@\nfine,a\n", "line 1, byte 6" },
        { "bad.jsonl", "jsonl", "q", "{\"q\": \"fine\"}\n\n{\"q\": \"caf@\"}\n", "line 3, byte 11" },
        { "bad.json", "json", "q", "[\n  {\"q\": \"fine\"},\n  {\"q\": \"caf@\"}\n]\n", "line 3, byte 13" },
        { "bad.txt", "txt", null, "fine\nstill fine\ncaf@\n", "line 3, byte 4" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_byte_that_is_not_utf8_is_an_error_naming_the_file_and_line(string file, string format, string? question, string content, string location)
    {
        using var m = new TempMirror();
        var path = m.WriteBytes(file, WithLatin1Byte(content));
        var e = Assert.Throws<SourceDataException>(() => Load(m, file, format, question));
        Assert.Equal(location, e.Location);
        Assert.Equal(path, e.FilePath);
        Assert.Contains($"{path} {location}: is not valid UTF-8 (bytes E9", e.Message);
        Assert.Contains("save the file as UTF-8", e.Message);
    }

    [Fact]
    public void The_bad_byte_is_found_past_the_first_read_buffer()
    {
        // 200,000 good lines first: the decoder fails on a later buffer, the message still has the exact line.
        using var m = new TempMirror();
        var good = string.Concat(Enumerable.Range(0, 200_000).Select(i => $"question {i} \u00e9t\u00e9\n"));
        var path = m.WriteBytes("big.txt", WithLatin1Byte(good + "caf@\n"));
        var e = Assert.Throws<SourceDataException>(() => Load(m, "big.txt", "txt", null));
        Assert.Equal("line 200001, byte 4", e.Location);
    }

    [Fact]
    public void A_parallel_list_json_file_with_a_bad_byte_names_its_line()
    {
        using var m = new TempMirror();
        m.WriteBytes("QHarm/data.json", WithLatin1Byte("{\"instructions\": [\n\"fine\",\n\"caf@\"\n]}\n"));
        var qharm = PaperSources.Training.Single(s => s.Name == "QHarm");
        var e = Assert.Throws<SourceDataException>(() => SourceLoader.Load(qharm with { Files = [new SourceFile("data.json")] }, m.Root));
        Assert.Equal("line 3, byte 5", e.Location);
        Assert.Contains("QHarm/data.json line 3, byte 5: is not valid UTF-8", e.Message);
    }

    public static TheoryData<string, string, string?, string> BomFiles => new()
    {
        { "ok.csv", "csv", "q", "q\ncaf\u00e9\n" },
        { "ok.jsonl", "jsonl", "q", "{\"q\": \"caf\u00e9\"}\n" },
        { "ok.json", "json", "q", "[{\"q\": \"caf\u00e9\"}]" },
        { "ok.txt", "txt", null, "caf\u00e9\n" },
    };

    [Theory]
    [MemberData(nameof(BomFiles))]
    public void A_utf8_byte_order_mark_is_accepted_and_not_part_of_the_text(string file, string format, string? question, string content)
    {
        using var m = new TempMirror();
        m.WriteBytes(file, [.. Bom, .. Encoding.UTF8.GetBytes(content)]);
        Assert.Equal(["caf\u00e9"], Load(m, file, format, question).Questions.Select(q => q.Text));
    }
}
