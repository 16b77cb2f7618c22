package dev.spillway;

import java.util.List;

/** A call asked for a model that no route of the pool serves. Thrown before any attempt. */
public final class UnknownModelException extends SpillwayException {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final List<String> servedModels;

  /**
   * Creates the exception.
   *
   * @param model the model asked for
   * @param servedModels the models the pool serves
   */
  public UnknownModelException(String model, List<String> servedModels) {
    super("no route serves model '" + model + "'; the pool serves " + servedModels);
    this.model = model;
    this.servedModels = List.copyOf(servedModels);
  }

  /**
   * The model asked for.
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * The models the pool serves.
   *
   * @return the models, sorted
   */
  public List<String> servedModels() {
    return servedModels;
  }
}
