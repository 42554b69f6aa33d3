/**
 * The provider CLIs: one class per CLI implementing {@link io.llmgateway.provider.cli.ProviderCli} (how to run it
 * headlessly, read its output and its events, recognise its own failures, check its login), listed in
 * {@link io.llmgateway.provider.cli.ProviderRegistry}. Adding a provider is one class here, one line in
 * {@code ProviderRegistry.standard()} and its {@link io.llmgateway.core.ProviderId} constant.
 */
package io.llmgateway.provider.cli;
