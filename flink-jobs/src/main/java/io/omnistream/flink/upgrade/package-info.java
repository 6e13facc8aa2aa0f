/**
 * The quality gate of a model upgrade (issue 16): whether a shadow model version is not worse than the live one on
 * one replay epoch of the benchmark, from the figures the retrieval-quality and modality-bias jobs publish.
 *
 * <p>{@link io.omnistream.flink.upgrade.QualityGate} is the rule set, plain Java with no Flink types (like
 * {@code quality.metrics}); {@code upgrade.job} is the Flink job that collects the figures per deployment and epoch and
 * publishes one {@code GateDecision} per decided epoch.
 */
package io.omnistream.flink.upgrade;
