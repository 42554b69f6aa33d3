/**
 * What the job layer and the provider layer share: the canonical request, the result, what completing a run
 * needs, and the {@link io.llmgateway.provider.api.ProviderRuns} port. The job layer imports this package only,
 * never the provider service or the CLIs.
 */
package io.llmgateway.provider.api;
