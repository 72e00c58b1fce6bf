using Star1.Modeling.Checkpoints;

namespace Star1.Modeling.Tests;

/// <summary>train.max_shard_size as transformers' save_pretrained reads it: decimal units, binary ones with "i".</summary>
public sealed class ShardSizeTests
{
    [Theory]
    [InlineData("5GB", 5_000_000_000L)]
    [InlineData("2MB", 2_000_000L)]
    [InlineData("500kb", 500_000L)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1.5MiB", 3L << 19)]
    [InlineData("4096", 4096L)]
    public void ASizeIsReadInBytes(string text, long bytes) => Assert.Equal(bytes, ShardSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("five GB")]
    [InlineData("5 XB")]
    [InlineData("0MB")]
    public void AnythingElseIsRefusedWithTheFormsItTakes(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ShardSize.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
    }
}
