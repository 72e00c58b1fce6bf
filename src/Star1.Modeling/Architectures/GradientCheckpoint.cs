using TorchSharp;
using static TorchSharp.torch;

namespace Star1.Modeling.Architectures;

/// <summary>
/// Per-layer gradient checkpointing: the forward pass runs the layer without keeping its activations;
/// backward runs it again with autograd on and back-propagates through that copy, which fills the layer's
/// parameter gradients and yields the gradient for the layer's input. Memory goes from every layer's
/// activations to one layer's plus each layer's input. The layers have no dropout, so the recomputation
/// is exact. Meant for CUDA training of the large models; it works (more slowly) on CPU too.
/// </summary>
internal sealed class GradientCheckpoint : autograd.SingleTensorFunction<GradientCheckpoint>
{
    public override string Name => "Star1LayerCheckpoint";

    public static Tensor Run(DecoderLayer layer, Tensor x, Tensor cos, Tensor sin, Tensor? mask) =>
        apply(x, layer, cos, sin, mask!);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] args)
    {
        var x = (Tensor)args[0];
        ctx.save_data("layer", args[1]);
        // Tensors go through save_for_backward, which keeps them alive: the caller's dispose scope frees
        // its handles (cos, sin, mask) before backward runs.
        var saved = new List<Tensor> { x, (Tensor)args[2], (Tensor)args[3] };
        if (args[4] is Tensor mask) saved.Add(mask);
        ctx.save_for_backward(saved);
        using (no_grad())
            return ((DecoderLayer)args[1]).Forward(x, (Tensor)args[2], (Tensor)args[3], args[4] as Tensor, null);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var x = saved[0].detach().requires_grad_(true);
        var layer = (DecoderLayer)ctx.get_data("layer");
        using (enable_grad())
        {
            var y = layer.Forward(x, saved[1], saved[2], saved.Count > 3 ? saved[3] : null, null);
            autograd.backward([y], [gradOutput]);
        }
        // One gradient per argument of apply: the layer input's, none for the layer, cos, sin and mask.
        return [x.grad!, null!, null!, null!, null!];
    }
}
