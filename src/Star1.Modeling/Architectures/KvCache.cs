using static TorchSharp.torch;

namespace Star1.Modeling.Architectures;

/// <summary>Keys and values of the tokens seen so far, one entry per layer, [B, K, S, D] after RoPE.
/// Tensors are held outside any dispose scope and replaced (old ones disposed) as tokens are appended.</summary>
public sealed class KvCache : IDisposable
{
    private readonly LayerCache[] layers;

    public KvCache(int layerCount) => layers = Enumerable.Range(0, layerCount).Select(_ => new LayerCache()).ToArray();

    /// <summary>Number of positions cached (S before the next forward).</summary>
    public long Length => layers[0].Length;

    internal LayerCache this[int layer] => layers[layer];

    /// <summary>Keeps only the rows in <paramref name="rows"/> (a generator dropping finished sequences).</summary>
    public void SelectRows(Tensor rows)
    {
        foreach (var layer in layers) layer.SelectRows(rows);
    }

    public void Dispose()
    {
        foreach (var layer in layers) layer.Dispose();
    }
}

public sealed class LayerCache : IDisposable
{
    private Tensor? keys, values;

    public long Length => keys?.shape[2] ?? 0;

    /// <summary>Appends this step's keys and values and returns all of them.</summary>
    internal (Tensor Keys, Tensor Values) Append(Tensor k, Tensor v)
    {
        var newKeys = (keys is null ? k.alias() : cat([keys, k], 2)).DetachFromDisposeScope();
        var newValues = (values is null ? v.alias() : cat([values, v], 2)).DetachFromDisposeScope();
        keys?.Dispose();
        values?.Dispose();
        keys = newKeys;
        values = newValues;
        return (keys.alias(), values.alias());
    }

    internal void SelectRows(Tensor rows)
    {
        if (keys is null || values is null) return;
        var k = keys.index_select(0, rows).DetachFromDisposeScope();
        var v = values.index_select(0, rows).DetachFromDisposeScope();
        keys.Dispose();
        values.Dispose();
        (keys, values) = (k, v);
    }

    public void Dispose()
    {
        keys?.Dispose();
        values?.Dispose();
        keys = values = null;
    }
}
