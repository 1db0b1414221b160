package org.hhnn.optim;

import java.util.List;
import org.hhnn.tensor.Tensor;

/** Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients by min(1, maxNorm / ‖g‖₂) and returns the norm before clipping. */
    public static double clipGlobalNorm(List<Tensor> params, double maxNorm) {
        double ss = 0;
        for (Tensor p : params)
            if (p.grad() != null) ss += p.backend().sumSquares(p.grad().buffer(), p.grad().size());
        double norm = Math.sqrt(ss);
        if (norm > maxNorm && norm > 0) {
            float s = (float) (maxNorm / (norm + 1e-6));
            for (Tensor p : params)
                if (p.grad() != null) p.backend().axpby(s, p.grad().buffer(), 0f, p.grad().buffer(), p.grad().size());
        }
        return norm;
    }
}
