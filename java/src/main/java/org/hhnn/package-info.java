/** hhnn: Hodgkin-Huxley and modulated neural networks; the subpackages hold the engine, {@link org.hhnn.HhnnVersion} its version. */
package org.hhnn;
