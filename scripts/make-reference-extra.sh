#!/bin/sh
# Regenerates test/fixtures/reference-extra/*.json (rnn-reference/1 fixtures whose shapes and
# options the shared set ../shared/reference does not cover) with scripts/make-reference.py.
# Needs PyTorch (Debian: apt-get install python3-torch); run from the repository root:
#     sh scripts/make-reference-extra.sh            (PYTHON=/usr/bin/python3 by default)
set -e
PY=${PYTHON:-/usr/bin/python3}
OUT=test/fixtures/reference-extra
mk() { name=$1; shift; "$PY" scripts/make-reference.py --out "$OUT/$name.json" "$@"; }

# ——— layer ———
mk layer_gru_2layer_bidir_nobias      --kind layer --mode gru      --input-size 3 --hidden-size 3 --layers 2 --bidirectional --no-bias --seq-len 4 --batch 2 --seed 101
mk layer_rnn_relu_2layer_bidir        --kind layer --mode rnn_relu --input-size 2 --hidden-size 4 --layers 2 --bidirectional --seq-len 5 --batch 3 --seed 102
mk layer_lstm_nobias_len1_batch1      --kind layer --mode lstm     --input-size 3 --hidden-size 4 --no-bias --seq-len 1 --batch 1 --seed 103
mk layer_rnn_tanh_3layer              --kind layer --mode rnn_tanh --input-size 2 --hidden-size 3 --layers 3 --seq-len 4 --batch 2 --seed 104
mk layer_gru_len1_bidir               --kind layer --mode gru      --input-size 4 --hidden-size 2 --bidirectional --seq-len 1 --batch 3 --seed 105

# ——— model ———
mk model_emb_lstm_bidir_m2o_ce_pad_adam --kind model --mode lstm --embedding 8,3,0 --padding-row random --hidden-size 2 --bidirectional \
   --topology many_to_one --loss cross_entropy --output-size 4 --seq-len 5 --batch 3 --optimizer adam --lr 0.05 --steps 3 --seed 201
mk model_emb_gru_pad_sgd_wd_rowdecay    --kind model --mode gru --embedding 7,3,2 --padding-row random --hidden-size 3 \
   --loss cross_entropy --output-size 4 --seq-len 4 --batch 2 --optimizer sgd --lr 0.2 --weight-decay 0.1 --steps 3 --seed 202
mk model_emb_rnn_tanh_2layer_nesterov_exp --kind model --mode rnn_tanh --embedding 9,4 --hidden-size 4 --layers 2 \
   --loss cross_entropy --output-size 5 --seq-len 4 --batch 2 --optimizer sgd_momentum --lr 0.05 --momentum 0.8 --nesterov \
   --scheduler exponential_lr --gamma 0.7 --steps 3 --seed 203
mk model_lstm_adamw_amsgrad_clipnorm    --kind model --mode lstm --input-size 3 --hidden-size 3 --loss mse --output-size 2 \
   --seq-len 4 --batch 2 --optimizer adamw --lr 0.03 --weight-decay 0.1 --amsgrad --clip-norm 0.5 --steps 4 --seed 204
mk model_gru_bidir_adam_amsgrad_l2      --kind model --mode gru --input-size 2 --hidden-size 3 --bidirectional --loss cross_entropy \
   --output-size 3 --seq-len 4 --batch 2 --optimizer adam --lr 0.02 --amsgrad --weight-decay 0.05 --steps 4 --seed 205
mk model_gru_rmsprop_wd                 --kind model --mode gru --input-size 3 --hidden-size 3 --loss mse --output-size 2 \
   --seq-len 4 --batch 3 --optimizer rmsprop --lr 0.01 --alpha 0.9 --weight-decay 0.1 --steps 3 --seed 206
mk model_lstm_rmsprop_momentum_wd_steplr --kind model --mode lstm --input-size 2 --hidden-size 3 --loss bce --output-size 2 \
   --seq-len 4 --batch 2 --optimizer rmsprop --lr 0.01 --momentum 0.7 --weight-decay 0.02 --scheduler step_lr --step-size 1 --gamma 0.8 --steps 4 --seed 207
mk model_rnn_tanh_adagrad_lrdecay_wd    --kind model --mode rnn_tanh --input-size 3 --hidden-size 4 --loss cross_entropy --output-size 3 \
   --seq-len 5 --batch 2 --optimizer adagrad --lr 0.1 --lr-decay 0.2 --initial-accumulator-value 0.05 --weight-decay 0.05 --steps 4 --seed 208
mk model_lstm_sgd_dampening_wd          --kind model --mode lstm --input-size 2 --hidden-size 3 --loss mse --output-size 2 \
   --seq-len 4 --batch 2 --optimizer sgd_momentum --lr 0.1 --momentum 0.9 --dampening 0.3 --weight-decay 0.01 --steps 4 --seed 209
mk model_gru_cosine_past_tmax           --kind model --mode gru --input-size 2 --hidden-size 3 --loss cross_entropy --output-size 3 \
   --seq-len 3 --batch 2 --optimizer sgd --lr 0.1 --scheduler cosine_annealing_lr --t-max 2 --eta-min 0.01 --steps 7 --seed 210
mk model_gru_bidir_m2o_bce_adam         --kind model --mode gru --input-size 3 --hidden-size 3 --bidirectional --topology many_to_one \
   --loss bce --output-size 3 --seq-len 5 --batch 3 --optimizer adam --lr 0.05 --steps 3 --seed 211
mk model_rnn_relu_clip_norm_and_value   --kind model --mode rnn_relu --input-size 3 --hidden-size 4 --loss cross_entropy --output-size 3 \
   --seq-len 4 --batch 2 --optimizer sgd --lr 0.5 --clip-norm 0.3 --clip-value 0.05 --steps 3 --seed 212
mk model_lstm_nobias_mse_m2o            --kind model --mode lstm --input-size 3 --hidden-size 3 --no-bias --topology many_to_one --loss mse \
   --output-size 2 --seq-len 4 --batch 2 --optimizer adagrad --lr 0.1 --steps 3 --seed 213
mk model_gru_nobias_headbias_ce         --kind model --mode gru --input-size 3 --hidden-size 3 --no-bias --head-bias --topology many_to_many --loss cross_entropy \
   --output-size 3 --seq-len 4 --batch 2 --optimizer adam --lr 0.05 --steps 2 --seed 231
mk model_gru_2layer_bidir_nobias_cosine --kind model --mode gru --input-size 2 --hidden-size 2 --layers 2 --bidirectional --no-bias \
   --loss mse --output-size 2 --seq-len 3 --batch 2 --optimizer sgd_momentum --lr 0.05 --momentum 0.5 --weight-decay 0.02 \
   --scheduler cosine_annealing_lr --t-max 1 --eta-min 0.0 --steps 4 --seed 214
mk model_rnn_tanh_len1_batch1           --kind model --mode rnn_tanh --input-size 2 --hidden-size 3 --loss cross_entropy --output-size 3 \
   --seq-len 1 --batch 1 --optimizer rmsprop --lr 0.01 --centered --steps 3 --seed 215

# ——— seq2seq ———
mk seq2seq_lstm_mlp_2layer_bienc_feed   --kind seq2seq --mode lstm --attention mlp --input-feed --bidirectional-encoder --layers 2 \
   --src-vocab 7 --tgt-vocab 6 --embedding-dim 3 --hidden-size 2 --src-len 5 --tgt-len 4 --batch 3 --src-lengths 5,2,1 --tgt-lengths 4,3,1 --seed 301
mk seq2seq_gru_dot_bienc                --kind seq2seq --mode gru --attention dot --bidirectional-encoder \
   --src-vocab 6 --tgt-vocab 5 --embedding-dim 3 --hidden-size 3 --src-len 4 --tgt-len 4 --batch 3 --src-lengths 4,1,3 --seed 302
mk seq2seq_lstm_general_nofeed_2layer   --kind seq2seq --mode lstm --attention general --layers 2 \
   --src-vocab 6 --tgt-vocab 6 --embedding-dim 3 --hidden-size 3 --src-len 4 --tgt-len 5 --batch 2 --src-lengths 4,2 --tgt-lengths 5,2 --seed 303
mk seq2seq_rnn_tanh_dot_feed            --kind seq2seq --mode rnn_tanh --attention dot --input-feed \
   --src-vocab 5 --tgt-vocab 5 --embedding-dim 2 --hidden-size 3 --src-len 4 --tgt-len 3 --batch 2 --src-lengths 3,4 --seed 304
mk seq2seq_rnn_relu_mlp_bienc           --kind seq2seq --mode rnn_relu --attention mlp --bidirectional-encoder \
   --src-vocab 6 --tgt-vocab 5 --embedding-dim 3 --hidden-size 2 --src-len 3 --tgt-len 4 --batch 2 --src-lengths 3,2 --seed 305
mk seq2seq_gru_mlp_len1_rows            --kind seq2seq --mode gru --attention mlp --input-feed \
   --src-vocab 5 --tgt-vocab 5 --embedding-dim 3 --hidden-size 3 --src-len 3 --tgt-len 3 --batch 3 --src-lengths 1,3,1 --tgt-lengths 1,3,1 --seed 306
mk seq2seq_lstm_none_feed_bienc         --kind seq2seq --mode lstm --attention none --input-feed --bidirectional-encoder \
   --src-vocab 6 --tgt-vocab 5 --embedding-dim 3 --hidden-size 2 --src-len 4 --tgt-len 3 --batch 2 --src-lengths 2,4 --seed 307
mk seq2seq_gru_general_2layer_bienc_feed --kind seq2seq --mode gru --attention general --input-feed --bidirectional-encoder --layers 2 \
   --src-vocab 6 --tgt-vocab 6 --embedding-dim 2 --hidden-size 2 --src-len 4 --tgt-len 4 --batch 2 --src-lengths 3,4 --seed 308
mk seq2seq_rnn_tanh_none_2layer_bienc   --kind seq2seq --mode rnn_tanh --attention none --bidirectional-encoder --layers 2 \
   --src-vocab 5 --tgt-vocab 5 --embedding-dim 2 --hidden-size 2 --src-len 3 --tgt-len 3 --batch 2 --src-lengths 1,3 --seed 309
mk seq2seq_lstm_dot_batch1_src1         --kind seq2seq --mode lstm --attention dot --input-feed \
   --src-vocab 4 --tgt-vocab 4 --embedding-dim 2 --hidden-size 3 --src-len 1 --tgt-len 3 --batch 1 --seed 310
