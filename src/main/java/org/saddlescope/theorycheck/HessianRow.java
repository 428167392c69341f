package org.saddlescope.theorycheck;

import org.saddlescope.curvature.Curvature;

/**
 * One point's Hessian measurement and what it says of the saddle. {@code scale}: the run's curvature scale Λ (the
 * largest |λ| over all points measured), {@code tol} = relative tolerance × Λ: the origin's Hessian is O(‖θ0‖^(L−2)),
 * so a tolerance relative to its own scale would call its rounding-level eigenvalues negative curvature.
 */
public record HessianRow(PlateauPoints.Point point, Curvature.Report report, double escapeDistance, double scale, double tol, String verdict) {
    public int belowTolerance() { return report.belowTolerance(tol); }
    public double densityBelow() { return report.densityBelow(tol); }
    public double escapeRelative() { return report.escapeCurvature() / scale; }
}
