"""keras.config's switches, each doing what it says."""

import logging

import numpy as np
import pytest

import lamina
from lamina import config, layers
from lamina.utils import registry


def _compiled():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_set_max_epochs_caps_fit_and_none_lifts_it(monkeypatch):
    monkeypatch.delenv("KERAS_MAX_EPOCHS", raising=False)
    x, y = np.ones((8, 3)), np.ones((8, 1))
    try:
        config.set_max_epochs(2)
        assert config.max_epochs() == 2
        assert len(_compiled().fit(x, y, epochs=5, verbose=0).history["loss"]) == 2
        config.set_max_epochs(None)
        monkeypatch.setenv("KERAS_MAX_EPOCHS", "1")
        assert config.max_epochs() is None  # set explicitly: the setting wins over the env var
        assert len(_compiled().fit(x, y, epochs=3, verbose=0).history["loss"]) == 3
    finally:
        config._MAX_EPOCHS = config._UNSET
    assert config.max_epochs() == 1  # unset: KERAS_MAX_EPOCHS is read
    with pytest.raises(ValueError, match="max_epochs"):
        config.set_max_epochs("3")


def test_set_max_steps_per_epoch_caps_steps():
    steps = []
    cb = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: steps.append(b))
    try:
        config.set_max_steps_per_epoch(2)
        _compiled().fit(np.ones((32, 3)), np.ones((32, 1)), batch_size=4, verbose=0,
                        callbacks=[cb])
    finally:
        config._MAX_STEPS_PER_EPOCH = config._UNSET
    assert steps == [0, 1]


def test_enable_unsafe_deserialization_loads_lambdas_everywhere(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), layers.Lambda(lambda t: t * 3)])
    model.save(tmp_path / "lam.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        lamina.saving.load_model(tmp_path / "lam.keras")
    try:
        config.enable_unsafe_deserialization()
        loaded = lamina.saving.load_model(tmp_path / "lam.keras")  # safe_mode=True by default
        np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])
    finally:
        registry.UNSAFE_EVERYWHERE = False


def test_interactive_logging_off_sends_progress_to_the_logger(capsys, caplog):
    try:
        config.disable_interactive_logging()
        assert not config.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="lamina"):
            _compiled().fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=2)
    finally:
        config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any("loss" in r.getMessage() for r in caplog.records)
    _compiled().fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=2)
    assert "loss" in capsys.readouterr().out


def test_flags_and_backend():
    assert config.is_flash_attention_enabled() is None
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is True
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    config._FLASH_ATTENTION = None
    config.disable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is True
    assert config.is_nnx_enabled() is False
    config.set_backend("torch")
    assert config.backend() == "torch"
    with pytest.raises(ValueError, match="tensorflow"):
        config.set_backend("tensorflow")



def test_dtype_policy_is_a_policy_object_and_set_takes_one():
    try:
        config.set_dtype_policy(lamina.DTypePolicy("mixed_bfloat16"))
        policy = config.dtype_policy()
        assert isinstance(policy, lamina.DTypePolicy) and policy.name == "mixed_bfloat16"
        assert lamina.layers.Dense(2).compute_dtype == "bfloat16"
    finally:
        config.set_dtype_policy(None)
    assert config.dtype_policy().name == "float32"


def test_flash_attention_setting_reaches_attention_layers():
    try:
        config.enable_flash_attention()
        mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
        assert mha._flash_attention is True
        with pytest.raises(ValueError, match="[Dd]ropout"):
            layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)
        with pytest.raises(ValueError, match="[Dd]ropout"):
            layers.GroupQueryAttention(head_dim=4, num_query_heads=2, num_key_value_heads=1,
                                       dropout=0.1)
        x = np.random.default_rng(0).random((1, 3, 8)).astype("float32")
        flash_out = lamina.ops.convert_to_numpy(mha(x, x))
    finally:
        config._FLASH_ATTENTION = None
    assert layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)._flash_attention is None
    plain = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    plain(x, x)
    plain.set_weights(mha.get_weights())
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(plain(x, x)), flash_out, rtol=1e-5)
