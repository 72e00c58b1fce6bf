using Star1.Data.Collect.Sources;
using Star1.Modeling.Checkpoints;
using TorchSharp;

namespace Star1.Modeling.Tests;

public class DeviceAndSourceTests
{
    [Fact]
    public void TheDeviceKindOfAutoIsTheCpuWhereNoCudaNativesAreDeployed()
    {
        // The default build deploys the CPU natives only: "auto" is the CPU, decided without starting torch.
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cuda.so")));
        Assert.Equal("cpu", ComputeDevice.Kind("auto"));
        Assert.Equal("cpu", ComputeDevice.Kind(" CPU "));
        Assert.Equal("cuda", ComputeDevice.Kind("cuda:1"));
    }

    [Fact]
    public void Auto_picks_cuda_only_when_torch_sees_a_gpu()
    {
        Assert.Equal("cpu", ComputeDevice.ResolveName("auto", () => false, () => 0));
        Assert.Equal("cuda:0", ComputeDevice.ResolveName("auto", () => true, () => 1));
        Assert.Equal("cpu", ComputeDevice.ResolveName("cpu", () => true, () => 1));
        Assert.Equal("cuda:1", ComputeDevice.ResolveName("CUDA:1", () => true, () => 2));
        // This machine and build: CPU natives, so auto is the CPU.
        Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve(null).type);
    }

    [Fact]
    public void Asking_for_cuda_without_a_gpu_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ComputeDevice.ResolveName("cuda", () => false, () => 0));
        Assert.Contains("torch sees no CUDA GPU", e.Message);
        Assert.Contains("-p:Star1Torch=cuda", e.Message);
        Assert.Throws<InvalidOperationException>(() => ComputeDevice.ResolveName("cuda:2", () => true, () => 2));
        Assert.Throws<ArgumentException>(() => ComputeDevice.ResolveName("tpu", () => true, () => 1));
        // This machine and build have no CUDA: the public call says so too.
        Assert.Throws<InvalidOperationException>(() => ComputeDevice.Resolve("cuda"));
    }

    static ModelSource Offline(string cache) => new(cache, new FetchOptions { Online = false });

    /// <summary>A models-cache entry holding some files of a fixture checkpoint.</summary>
    static string CacheEntry(ModelSource source, string id, string revision, string fixture, params string[] files)
    {
        var folder = source.CacheFolder(id, revision);
        Directory.CreateDirectory(folder);
        foreach (var f in files) File.Copy(Path.Combine(Fixture.Folder(fixture), f), Path.Combine(folder, f));
        return folder;
    }

    [Fact]
    public async Task A_local_folder_resolves_to_itself()
    {
        var folder = await Offline("/nonexistent-cache").ResolveAsync(Fixture.Folder("qwen2"));
        Assert.Equal(Path.GetFullPath(Fixture.Folder("qwen2")), folder);
    }

    [Fact]
    public async Task An_incomplete_local_folder_lists_what_is_missing()
    {
        using var scratch = new Fixture.Scratch();
        File.WriteAllText(scratch["config.json"], "{}");
        var e = await Assert.ThrowsAsync<ModelFilesMissingException>(() => Offline(scratch["cache"]).ResolveAsync(scratch.Path));
        Assert.Contains("model.safetensors (or model.safetensors.index.json and its shards)", e.Message);
    }

    [Fact]
    public async Task Offline_with_the_hub_model_missing_lists_every_missing_file_before_any_work()
    {
        using var scratch = new Fixture.Scratch();
        var e = await Assert.ThrowsAsync<ModelFilesMissingException>(
            () => Offline(scratch["cache"]).ResolveAsync("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"));
        Assert.StartsWith("offline: model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B is not complete in", e.Message);
        Assert.Contains("deepseek-ai--DeepSeek-R1-Distill-Qwen-1.5B", e.Message);
        Assert.Contains("config.json", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public async Task Offline_a_cached_model_with_a_shard_missing_names_that_shard()
    {
        using var scratch = new Fixture.Scratch();
        var source = Offline(scratch["cache"]);
        var folder = CacheEntry(source, "org/tiny", "main", "llama", "config.json");
        File.WriteAllText(Path.Combine(folder, ModelSource.ManifestFile),
            """[{"Path":"config.json"},{"Path":"model-00001-of-00002.safetensors"},{"Path":"model-00002-of-00002.safetensors"},{"Path":"model.safetensors.index.json"}]""");
        File.WriteAllText(Path.Combine(folder, "model-00001-of-00002.safetensors"), "x");
        var e = await Assert.ThrowsAsync<ModelFilesMissingException>(() => source.ResolveAsync("org/tiny"));
        Assert.Contains("missing: model-00002-of-00002.safetensors, model.safetensors.index.json.", e.Message);
    }

    [Fact]
    public async Task Offline_a_complete_cache_entry_resolves_without_the_network()
    {
        using var scratch = new Fixture.Scratch();
        var source = Offline(scratch["cache"]);
        var folder = CacheEntry(source, "org/tiny", "v1", "qwen2", "config.json", "model.safetensors");
        Assert.Equal(folder, await source.ResolveAsync("org/tiny@v1"));
    }

    [Fact]
    public void Only_safetensors_configs_and_tokenizer_files_are_fetched()
    {
        Assert.True(ModelSource.Wanted("model-00001-of-00002.safetensors"));
        Assert.True(ModelSource.Wanted("tokenizer.json"));
        Assert.True(ModelSource.Wanted("generation_config.json"));
        Assert.False(ModelSource.Wanted("pytorch_model.bin"));
        Assert.False(ModelSource.Wanted("original/consolidated.00.pth"));
        Assert.False(ModelSource.Wanted("README.md"));
    }
}
