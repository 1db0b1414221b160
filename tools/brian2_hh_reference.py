#!/usr/bin/env python3
"""Reference table for HhBrian2Test: one Hodgkin-Huxley neuron (DESIGN.md's exact model) simulated by Brian2 at a
fine time step, from rest, at constant input currents; its spike times go to
java/src/test/resources/brian2/hh_spikes.csv. Brian2 is an outside simulator: its own equation parser, code generation
and integrator (exponential Euler for the gates, like hhnn, but at dt = 0.001 ms, 25x finer than hhnn's default, so
what remains is hhnn's discretisation and nothing shared).

    apt-get install python3-brian && python3 tools/brian2_hh_reference.py
"""
import os
import sys

from brian2 import (NeuronGroup, SpikeMonitor, defaultclock, mV, ms, prefs, run, start_scope, uF, cm, msiemens,
                    uA, __version__ as brian_version)

DT_MS = 0.001
DURATION_MS = 200.0
# Away from the rheobase (~6.2 uA/cm^2 for repetitive firing), where a 0.025 ms step may decide whether a spike happens.
CURRENTS = [0.0, 2.0, 4.0, 8.0, 10.0, 12.0, 15.0, 20.0, 30.0, 50.0]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "java", "src", "test", "resources", "brian2",
                   "hh_spikes.csv")

EQS = """
dv/dt = (I - gna*m**3*h*(v - ENa) - gk*n**4*(v - EK) - gl*(v - El)) / Cm : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dh/dt = alphah*(1 - h) - betah*h : 1
dn/dt = alphan*(1 - n) - betan*n : 1
alpham = 0.1/mV*(v + 40*mV) / (1 - exp(-0.1/mV*(v + 40*mV))) / ms : Hz
betam = 4*exp(-0.0556/mV*(v + 65*mV)) / ms : Hz
alphah = 0.07*exp(-0.05/mV*(v + 65*mV)) / ms : Hz
betah = 1 / (1 + exp(-0.1/mV*(v + 35*mV))) / ms : Hz
alphan = 0.01/mV*(v + 55*mV) / (1 - exp(-0.1/mV*(v + 55*mV))) / ms : Hz
betan = 0.125*exp(-0.0125/mV*(v + 65*mV)) / ms : Hz
I : amp/meter**2
"""


def steady(v):
    """Gate steady states at v (mV), from the same rates, to start at rest as DESIGN.md says."""
    import math
    am = 0.1 * (v + 40) / (1 - math.exp(-0.1 * (v + 40)))
    bm = 4 * math.exp(-0.0556 * (v + 65))
    ah = 0.07 * math.exp(-0.05 * (v + 65))
    bh = 1 / (1 + math.exp(-0.1 * (v + 35)))
    an = 0.01 * (v + 55) / (1 - math.exp(-0.1 * (v + 55)))
    bn = 0.125 * math.exp(-0.0125 * (v + 65))
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def main():
    prefs.codegen.target = "numpy"   # no compiler needed; the same equations either way
    start_scope()
    defaultclock.dt = DT_MS * ms
    namespace = dict(Cm=1 * uF / cm**2, gna=120 * msiemens / cm**2, gk=36 * msiemens / cm**2,
                     gl=0.3 * msiemens / cm**2, ENa=50 * mV, EK=-77 * mV, El=-54.387 * mV)
    g = NeuronGroup(len(CURRENTS), EQS, threshold="v > 0*mV", refractory="v > 0*mV", method="exponential_euler",
                    namespace=namespace)
    m0, h0, n0 = steady(-65.0)
    g.v = -65 * mV
    g.m, g.h, g.n = m0, h0, n0
    g.I = [c * uA / cm**2 for c in CURRENTS]
    mon = SpikeMonitor(g)
    run(DURATION_MS * ms, namespace=namespace)
    trains = mon.spike_trains()
    with open(OUT, "w") as f:
        f.write("# Brian2 %s, exponential_euler, dt = %g ms, %g ms from rest (V = -65 mV, gates at steady state);\n"
                % (brian_version, DT_MS, DURATION_MS))
        f.write("# spike = first step with V > 0 mV after being below it; made by tools/brian2_hh_reference.py\n")
        f.write("current_uA_per_cm2,spike_times_ms\n")
        for i, c in enumerate(CURRENTS):
            times = " ".join("%.3f" % (t / ms) for t in trains[i])
            f.write("%g,%s\n" % (c, times))
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
