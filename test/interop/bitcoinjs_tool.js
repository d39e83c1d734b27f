// Drives bitcoinjs-lib (an independent JavaScript Bitcoin library) for Tonari's interop test:
//   node bitcoinjs_tool.js addresses            -> {"p2tr": addr, "p2wsh": addr}
//   node bitcoinjs_tool.js spend-p2tr <json>    -> {"tx": hex}
//   node bitcoinjs_tool.js spend-p2wsh <json>   -> {"tx": hex}
// where <json> is {"txid", "vout", "value" (sats), "to": addr, "fee": sats}: one input, one
// output of value - fee. Keys are fixed test keys (never use them for real funds): a P2TR key-path
// output of key 1, and a 2-of-3 P2WSH multisig of keys 2, 3, 4 signed by 2 and 4.
'use strict';
const bitcoin = require('bitcoinjs-lib');
const ecc = require('@bitcoinerlab/secp256k1');
const { ECPairFactory } = require('ecpair');

bitcoin.initEccLib(ecc);
const ECPair = ECPairFactory(ecc);
const network = bitcoin.networks.regtest;

const key = (n) => ECPair.fromPrivateKey(Buffer.alloc(32, n), { network });
const taprootKey = key(1);
const internalPubkey = Buffer.from(taprootKey.publicKey.subarray(1, 33));
const multisigKeys = [key(2), key(3), key(4)];

const p2tr = bitcoin.payments.p2tr({ internalPubkey, network });
const p2ms = bitcoin.payments.p2ms({ m: 2, pubkeys: multisigKeys.map((k) => Buffer.from(k.publicKey)), network });
const p2wsh = bitcoin.payments.p2wsh({ redeem: p2ms, network });

function spendTaproot(utxo, to, fee) {
  const psbt = new bitcoin.Psbt({ network });
  psbt.addInput({
    hash: utxo.txid,
    index: utxo.vout,
    witnessUtxo: { script: p2tr.output, value: BigInt(utxo.value) },
    tapInternalKey: internalPubkey,
  });
  psbt.addOutput({ address: to, value: BigInt(utxo.value - fee) });
  // Key-path spends sign with the key tweaked by TapTweak(internal key), no script tree.
  const tweaked = taprootKey.tweak(bitcoin.crypto.taggedHash('TapTweak', internalPubkey));
  psbt.signInput(0, tweaked);
  psbt.finalizeAllInputs();
  return psbt.extractTransaction().toHex();
}

function spendMultisig(utxo, to, fee) {
  const psbt = new bitcoin.Psbt({ network });
  psbt.addInput({
    hash: utxo.txid,
    index: utxo.vout,
    witnessUtxo: { script: p2wsh.output, value: BigInt(utxo.value) },
    witnessScript: p2ms.output,
  });
  psbt.addOutput({ address: to, value: BigInt(utxo.value - fee) });
  psbt.signInput(0, multisigKeys[0]);
  psbt.signInput(0, multisigKeys[2]);
  psbt.finalizeAllInputs();
  return psbt.extractTransaction().toHex();
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'addresses') {
  console.log(JSON.stringify({ p2tr: p2tr.address, p2wsh: p2wsh.address }));
} else if (mode === 'spend-p2tr' || mode === 'spend-p2wsh') {
  const req = JSON.parse(arg);
  const spend = mode === 'spend-p2tr' ? spendTaproot : spendMultisig;
  console.log(JSON.stringify({ tx: spend(req, req.to, req.fee) }));
} else {
  console.error('usage: bitcoinjs_tool.js addresses | spend-p2tr <json> | spend-p2wsh <json>');
  process.exit(2);
}
