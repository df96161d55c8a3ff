;; Sparse rows times a dense matrix, and the transposed product, with 128-bit SIMD.
;; Every output element gets one float32 product at a time, added in the order of the entries,
;; with a separate multiply and add (no fused multiply-add): the rounding of the backend's dense
;; product (XNNPACK), so the two give the same bits. Pointers are byte offsets into this memory;
;; matrices are row-major float32. Outputs must be zeroed by the caller.
(module
  (memory (export "memory") 1)

  ;; out[r, :] += values[e] · w[indices[e], :] for each entry e of each row r.
  (func (export "timesDense")
    (param $rows i32) (param $offsets i32) (param $indices i32) (param $values i32)
    (param $w i32) (param $width i32) (param $out i32)
    (local $r i32) (local $e i32) (local $end i32) (local $target i32)
    (local $v f32) (local $from i32)
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $target (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $width)) (i32.const 2))))
        (local.set $e (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $offsets) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (block $entries_done
          (loop $entries
            (br_if $entries_done (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $v (f32.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $from (i32.add (local.get $w)
              (i32.shl (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $e) (i32.const 2)))) (local.get $width)) (i32.const 2))))
            (call $axpy (local.get $v) (local.get $from) (local.get $target) (local.get $width))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop))))

  ;; out[indices[e], :] += values[e] · d[r, :] for each entry e of each row r, rows in order.
  (func (export "transposeTimes")
    (param $rows i32) (param $offsets i32) (param $indices i32) (param $values i32)
    (param $d i32) (param $width i32) (param $out i32)
    (local $r i32) (local $e i32) (local $end i32) (local $from i32)
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $from (i32.add (local.get $d) (i32.shl (i32.mul (local.get $r) (local.get $width)) (i32.const 2))))
        (local.set $e (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $offsets) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (block $entries_done
          (loop $entries
            (br_if $entries_done (i32.ge_u (local.get $e) (local.get $end)))
            (call $axpy
              (f32.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))))
              (local.get $from)
              (i32.add (local.get $out)
                (i32.shl (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $e) (i32.const 2)))) (local.get $width)) (i32.const 2)))
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
