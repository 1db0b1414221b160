/** Stand-alone HH simulation (one step per call, every state recorded): spike counts and times, rates, F–I curves. */
package org.hhnn.sim;
