package io.llmgateway.model;

import io.llmgateway.core.ProviderId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Per provider, the models, aliases and default the gateway knows: the bundled table merged with the
 * user's CLI configuration (read on every call, so edits show at once). Request tools resolve model
 * names through {@link #resolve}, so {@code list_models} shows exactly what they accept.
 */
public final class ModelCatalog {
    private final UserModelSettings userSettings;
    private volatile Map<ProviderId, BundledModels.Row> bundled;

    /** HOME is read from {@code env} first (the JVM's user.home ignores it). */
    public ModelCatalog(Map<String, String> env) {
        String home = env.get("HOME");
        this.userSettings = new UserModelSettings(
                env, Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")));
    }

    public List<ProviderModels> all() {
        List<ProviderModels> all = new ArrayList<>();
        for (ProviderId provider : ProviderId.values()) {
            all.add(models(provider));
        }
        return all;
    }

    public ProviderModels models(ProviderId provider) {
        BundledModels.Row row = bundled().get(provider);
        UserModelSettings.Settings user = userSettings.read(provider);
        List<ModelInfo> models = new ArrayList<>(row.models());
        user.defaultModel()
                .filter(chosen -> find(models, chosen.id()).isEmpty()
                        && aliasOf(row, user, chosen.id()).isEmpty())
                .ifPresent(models::add);
        List<ModelAlias> aliases = new ArrayList<>(user.aliases());
        for (ModelAlias alias : row.aliases()) {
            if (user.aliases().stream().noneMatch(own -> own.alias().equals(alias.alias()))) {
                aliases.add(alias);
            }
        }
        if (user.defaultModel().isPresent()) {
            ModelInfo chosen = user.defaultModel().get();
            return new ProviderModels(
                    provider,
                    chosen.id(),
                    chosen.source(),
                    chosen.origin(),
                    "set in " + chosen.origin(),
                    row.observedOn(),
                    models,
                    aliases,
                    user.warnings());
        }
        return new ProviderModels(
                provider,
                row.defaultModel(),
                ModelSource.BUNDLED,
                null,
                row.defaultNote(),
                row.observedOn(),
                models,
                aliases,
                user.warnings());
    }

    /**
     * The model name to give the CLI: a gateway alias becomes its target, a known model typed in
     * another case gets the table's spelling; CLI aliases and unknown names pass unchanged (CLIs gain
     * models faster than any table).
     */
    public ResolvedModel resolve(ProviderId provider, String requested) {
        ProviderModels known = models(provider);
        Optional<ModelAlias> alias = aliasNamed(known, requested);
        if (alias.isPresent()) {
            return alias.get().resolvedBy() == ModelAlias.ResolvedBy.GATEWAY
                    ? new ResolvedModel(requested, alias.get().target(), alias.get())
                    : new ResolvedModel(requested, alias.get().alias(), null);
        }
        return find(known.models(), requested)
                .map(model -> new ResolvedModel(requested, model.id(), null))
                .orElse(new ResolvedModel(requested, requested, null));
    }

    /**
     * The model a name stands for, so that every spelling of one model compares equal (the policy's
     * {@code args.model} rules): an alias's target whoever resolves it, a known model in the table's
     * spelling, else the name itself.
     */
    public String identity(ProviderId provider, String name) {
        ProviderModels known = models(provider);
        String model = aliasNamed(known, name)
                .map(alias -> alias.target() != null ? alias.target() : alias.alias())
                .orElse(name);
        return find(known.models(), model).map(ModelInfo::id).orElse(model);
    }

    private static Optional<ModelAlias> aliasNamed(ProviderModels known, String name) {
        return known.aliases().stream()
                .filter(alias -> alias.alias().equalsIgnoreCase(name))
                .findFirst();
    }

    private static Optional<ModelInfo> find(List<ModelInfo> models, String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return models.stream()
                .filter(m -> m.id().toLowerCase(Locale.ROOT).equals(lower))
                .findFirst();
    }

    private static Optional<ModelAlias> aliasOf(BundledModels.Row row, UserModelSettings.Settings user, String name) {
        return java.util.stream.Stream.concat(user.aliases().stream(), row.aliases().stream())
                .filter(a -> a.alias().equalsIgnoreCase(name))
                .findFirst();
    }

    private Map<ProviderId, BundledModels.Row> bundled() {
        Map<ProviderId, BundledModels.Row> table = bundled;
        if (table == null) {
            table = BundledModels.load();
            bundled = table;
        }
        return table;
    }
}
