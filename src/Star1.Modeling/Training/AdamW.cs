using Star1.Modeling.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Star1.Modeling.Training;

/// <summary>
/// AdamW as torch.optim.AdamW computes it (decoupled decay, bias-corrected moments, eps added after the square
/// root), over fp32 master weights. With fp32 parameters the master is the parameter itself; with bf16 ones
/// (CUDA training) the update is made on an fp32 copy and written back rounded, because a 1e-5 step is below
/// bf16's resolution for most weights and would otherwise be lost. Written out here rather than taken from
/// TorchSharp so that its whole state (moments, masters, step) is ours to save and restore exactly.
/// </summary>
public sealed class AdamW : IDisposable
{
    private sealed record Slot(string Name, Parameter Parameter, Tensor Master, Tensor ExpAvg, Tensor ExpAvgSq, bool Decays);

    private readonly List<Slot> slots = [];
    private readonly SftRecipe recipe;

    /// <summary>Updates done so far (torch's per-parameter "step", the same for all here).</summary>
    public int Step { get; private set; }

    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, SftRecipe recipe)
    {
        this.recipe = recipe;
        using var _ = no_grad();
        foreach (var (name, p) in parameters)
        {
            if (!p.requires_grad) continue;
            var master = p.dtype == ScalarType.Float32 ? p : p.detach().to(ScalarType.Float32).clone();
            slots.Add(new Slot(name, p, master, zeros_like(master), zeros_like(master), DecayGroups.Decays(name)));
        }
    }

    public IEnumerable<string> DecayedNames => slots.Where(s => s.Decays).Select(s => s.Name);
    public IEnumerable<string> UndecayedNames => slots.Where(s => !s.Decays).Select(s => s.Name);

    /// <summary>The L2 norm of all gradients together (fp32), what clipping compares to max_grad_norm.</summary>
    public double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var sum = zeros(1, dtype: ScalarType.Float64, device: slots[0].Master.device);
        foreach (var s in slots)
            if (s.Parameter.grad is { } g) sum += g.to(ScalarType.Float64).pow(2).sum();
        return Math.Sqrt(sum.item<double>());
    }

    /// <summary>torch.nn.utils.clip_grad_norm_: scale every gradient by max/(norm+1e-6) when that is below 1.</summary>
    public void ClipGradients(double norm, double max)
    {
        if (max <= 0) return;
        var coefficient = max / (norm + 1e-6);
        if (coefficient >= 1) return;
        using var _ = no_grad();
        foreach (var s in slots) s.Parameter.grad?.mul_(coefficient);
    }

    public void Update(double learningRate)
    {
        Step++;
        double b1 = recipe.Beta1, b2 = recipe.Beta2;
        var correction1 = 1 - Math.Pow(b1, Step);
        var sqrtCorrection2 = Math.Sqrt(1 - Math.Pow(b2, Step));
        using var _ = no_grad();
        foreach (var s in slots)
        {
            if (s.Parameter.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            var grad = g.dtype == ScalarType.Float32 ? g : g.to(ScalarType.Float32);
            if (s.Decays && recipe.WeightDecay != 0) s.Master.mul_(1 - learningRate * recipe.WeightDecay);
            s.ExpAvg.lerp_(grad, 1 - b1);
            s.ExpAvgSq.mul_(b2).addcmul_(grad, grad, 1 - b2);
            var denominator = (s.ExpAvgSq.sqrt() / sqrtCorrection2).add_(recipe.Epsilon);
            s.Master.addcdiv_(s.ExpAvg, denominator, -learningRate / correction1);
            if (!ReferenceEquals(s.Master, s.Parameter)) s.Parameter.copy_(s.Master);
        }
    }

    /// <summary>Moments and masters in one safetensors file; the step goes into the trainer's state file.</summary>
    public void Save(string path)
    {
        var tensors = new List<(string, Tensor)>();
        foreach (var s in slots)
        {
            tensors.Add(("master." + s.Name, s.Master));
            tensors.Add(("exp_avg." + s.Name, s.ExpAvg));
            tensors.Add(("exp_avg_sq." + s.Name, s.ExpAvgSq));
        }
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["step"] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public void Load(string path, int step)
    {
        var saved = SafeTensors.ReadAll(path);
        try
        {
            using var _ = no_grad();
            foreach (var s in slots)
            {
                Tensor Get(string kind) => saved.TryGetValue($"{kind}.{s.Name}", out var t)
                    ? t : throw new InvalidDataException($"{path}: no '{kind}.{s.Name}' (the optimizer state is of another model)");
                s.Master.copy_(Get("master"));
                s.ExpAvg.copy_(Get("exp_avg"));
                s.ExpAvgSq.copy_(Get("exp_avg_sq"));
                if (!ReferenceEquals(s.Master, s.Parameter)) s.Parameter.copy_(s.Master);
            }
        }
        finally
        {
            foreach (var t in saved.Values) t.Dispose();
        }
        Step = step;
    }

    public void Dispose()
    {
        foreach (var s in slots)
        {
            if (!ReferenceEquals(s.Master, s.Parameter)) s.Master.Dispose();
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
    }
}
