;; Sparse rows times a dense matrix, and the transposed product, with 128-bit SIMD.
;; Every output element gets one float32 product at a time, added in the order of the entries,
;; with a separate multiply and add (no fused multiply-add): the rounding of the backend's dense
;; product (XNNPACK), so the two give the same bits. Pointers are byte offsets into this memory;
;; matrices are row-major float32. Outputs must be zeroed by the caller.
(module
  (memory (export "memory") 1)

  ;; For each entry e of each row r, rows and entries in order, with k = indices[e]:
  ;;   transposed = 0: out[r, :] += values[e] · m[k, :]   (x·M, M [dimension, width])
  ;;   transposed = 1: out[k, :] += values[e] · m[r, :]   (xᵀ·M, M [rows, width])
  (func (export "product")
    (param $rows i32) (param $offsets i32) (param $indices i32) (param $values i32)
    (param $m i32) (param $width i32) (param $out i32) (param $transposed i32)
    (local $r i32) (local $e i32) (local $end i32) (local $row i32) (local $entry i32)
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        ;; Byte offset of row r in a [·, width] matrix.
        (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $width)) (i32.const 2)))
        (local.set $e (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $offsets) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (block $entries_done
          (loop $entries
            (br_if $entries_done (i32.ge_u (local.get $e) (local.get $end)))
            ;; Byte offset of row k.
            (local.set $entry
              (i32.shl (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $e) (i32.const 2)))) (local.get $width)) (i32.const 2)))
            (call $axpy
              (f32.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))))
              (i32.add (local.get $m) (select (local.get $row) (local.get $entry) (local.get $transposed)))
              (i32.add (local.get $out) (select (local.get $entry) (local.get $row) (local.get $transposed)))
              (local.get $width))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop))))

  ;; y[0..n) += a · x[0..n): four at a time, then one at a time.
  (func $axpy (param $a f32) (param $x i32) (param $y i32) (param $n i32)
    (local $j i32) (local $aa v128) (local $four i32)
    (local.set $aa (f32x4.splat (local.get $a)))
    (local.set $four (i32.and (local.get $n) (i32.const -4)))
    (local.set $j (i32.const 0))
    (block $vector_done
      (loop $vector
        (br_if $vector_done (i32.ge_u (local.get $j) (local.get $four)))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2)))
          (f32x4.add
            (v128.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
            (f32x4.mul (local.get $aa) (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vector)))
    (block $scalar_done
      (loop $scalar
        (br_if $scalar_done (i32.ge_u (local.get $j) (local.get $n)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add
            (f32.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
            (f32.mul (local.get $a) (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $scalar))))
)
