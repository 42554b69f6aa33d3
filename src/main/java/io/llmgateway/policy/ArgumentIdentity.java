package io.llmgateway.policy;

/**
 * What an argument's value stands for, where several values stand for one thing: a model alias and
 * the model it names. {@code eq}, {@code neq}, {@code in} and {@code not_in} compare the identities
 * of the argument and of the operand, so a rule names a thing once, in any of its spellings.
 */
@FunctionalInterface
public interface ArgumentIdentity {
    /** Every value stands for itself. */
    ArgumentIdentity AS_IS = (path, value) -> value;

    /**
     * @param path  the argument's path below {@code args}, e.g. {@code model}
     * @param value a string argument or operand
     */
    String of(String path, String value);
}
